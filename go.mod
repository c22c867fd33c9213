module github.com/pmap-dev/pmap

go 1.26

package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// completionShells are the shells --completion writes a script for.
var completionShells = []string{"bash", "zsh", "fish"}

// valueKind is what an option's value is completed with.
type valueKind int

const (
	valueFree    valueKind = iota // nothing to offer
	valueChoice                   // one of a few words
	valueFile                     // a file name
	valueCommand                  // a command name
)

// completion is how one option completes.
type completion struct {
	short, long []string // without dashes
	takesValue  bool
	repeatable  bool
	placeholder string
	usage       string
	kind        valueKind
	choices     []string
}

// optionChoices are the values offered for options that take one of a few
// words (their parsers accept them; completion_test.go checks it).
func optionChoices() map[string][]string {
	var backends []string
	for _, b := range backendKinds {
		backends = append(backends, string(b))
	}
	return map[string][]string{
		"backend":    backends,
		"format":     {"raw", "json", "map", "object", "array"},
		"completion": completionShells,
		"workers":    {"auto"},
		"halt":       {"never", "soon,fail=1", "now,fail=1", "now,success=1", "soon,done=1"},
	}
}

// completions describes every option of fl for the scripts, so that they
// are generated from the flags and never drift from them.
func completions(fl []cli.Flag) []completion {
	choices := optionChoices()
	var out []completion
	for _, f := range fl {
		d := f.(cli.DocGenerationFlag)
		c := completion{takesValue: d.TakesValue()}
		c.placeholder, c.usage = unquoteUsage(d.GetUsage())
		for _, n := range f.Names() {
			if len(n) == 1 {
				c.short = append(c.short, n)
			} else {
				c.long = append(c.long, n)
			}
		}
		_, c.repeatable = f.(*cli.StringSliceFlag)
		switch name := f.Names()[0]; {
		case !c.takesValue:
		case choices[name] != nil:
			c.kind, c.choices = valueChoice, choices[name]
		case c.placeholder == "FILE":
			c.kind = valueFile
		case c.placeholder == "SHELL" && name == "shell":
			c.kind = valueCommand
		}
		if c.placeholder == "" {
			c.placeholder = "VALUE"
		}
		out = append(out, c)
	}
	return out
}

// spellings are the option as typed: -n -j --workers.
func (c completion) spellings() []string {
	var s []string
	for _, n := range c.short {
		s = append(s, "-"+n)
	}
	for _, n := range c.long {
		s = append(s, "--"+n)
	}
	return s
}

// writeCompletion prints the completion script for shell (--completion).
func writeCompletion(w io.Writer, shell string, fl []cli.Flag) error {
	bw := bufio.NewWriter(w)
	cs := completions(fl)
	switch shell {
	case "bash":
		writeBash(bw, cs)
	case "zsh":
		writeZsh(bw, cs)
	case "fish":
		writeFish(bw, cs)
	default:
		return usagef("write --completion bash, zsh or fish", "--completion %q: no script for that shell", shell)
	}
	if err := bw.Flush(); err != nil {
		return &exitError{code: exitClosedPipe}
	}
	return nil
}

func writeBash(w *bufio.Writer, cs []completion) {
	var all, valued []string
	cases := map[valueKind][]string{}
	var choice []string
	for _, c := range cs {
		all = append(all, c.spellings()...)
		if !c.takesValue {
			continue
		}
		valued = append(valued, c.spellings()...)
		pat := strings.Join(c.spellings(), "|")
		if c.kind == valueChoice {
			choice = append(choice, fmt.Sprintf("        %s) words='%s' ;;", pat, strings.Join(c.choices, " ")))
			continue
		}
		cases[c.kind] = append(cases[c.kind], pat)
	}
	fmt.Fprintf(w, `# bash completion for pmap. Load it with:
#   source <(pmap --completion bash)
# or save it as /etc/bash_completion.d/pmap (or ~/.local/share/bash-completion/completions/pmap).
_pmap() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev= word words i start=0
    local valued=' %s '
    if (( COMP_CWORD > 0 )); then prev=${COMP_WORDS[COMP_CWORD-1]}; fi
    # --opt=value: bash splits the = off as a word of its own.
    if [[ $cur == = ]]; then cur=; elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then prev=${COMP_WORDS[COMP_CWORD-2]}; fi
    # Options end at the first word that is not one (the template), or after --.
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word=${COMP_WORDS[i]}
        case $word in
            --) start=$((i + 1)); break ;;
            -?*)
                if [[ ${COMP_WORDS[i+1]} == = ]]; then ((i += 2))
                elif [[ $valued == *" $word "* ]]; then ((i++)); fi ;;
            =) ;;
            *) start=$i; break ;;
        esac
    done
    if (( start > 0 )); then
        # The template: complete the command and its arguments.
        if declare -F _command_offset >/dev/null; then
            _command_offset "$start"
        elif (( start == COMP_CWORD )); then
            mapfile -t COMPREPLY < <(compgen -c -- "$cur")
        else
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
        return 0
    fi
    words=
    case $prev in
%s
`, strings.Join(valued, " "), strings.Join(choice, "\n"))
	if p := cases[valueFile]; len(p) > 0 {
		fmt.Fprintf(w, "        %s)\n            compopt -o filenames 2>/dev/null\n            mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n            return 0 ;;\n", strings.Join(p, "|"))
	}
	if p := cases[valueCommand]; len(p) > 0 {
		fmt.Fprintf(w, "        %s) mapfile -t COMPREPLY < <(compgen -c -- \"$cur\"); return 0 ;;\n", strings.Join(p, "|"))
	}
	if p := cases[valueFree]; len(p) > 0 {
		fmt.Fprintf(w, "        %s) COMPREPLY=(); return 0 ;;\n", strings.Join(p, "|"))
	}
	fmt.Fprintf(w, `    esac
    if [[ -n $words ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    elif [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W '%s' -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -c -- "$cur")
    fi
    return 0
}
complete -F _pmap pmap
`, strings.Join(all, " "))
}

// zshQuote makes s safe inside a single-quoted _arguments spec.
func zshQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `:`, `\:`, `'`, `'\''`)
	return r.Replace(s)
}

func writeZsh(w *bufio.Writer, cs []completion) {
	w.WriteString(`#compdef pmap
# zsh completion for pmap. Load it, after compinit, with:
#   source <(pmap --completion zsh)
# or save it as _pmap in a directory of $fpath.
_pmap() {
  _arguments -s -S -A '-*' \
`)
	for _, c := range cs {
		sp := c.spellings()
		excl := ""
		switch {
		case c.long != nil && (c.long[0] == "help" || c.long[0] == "version" || c.long[0] == "completion"):
			excl = "(- *)"
		case c.repeatable:
			excl = "*"
		case len(sp) > 1:
			excl = "(" + strings.Join(sp, " ") + ")"
		}
		action := ""
		if c.takesValue {
			switch c.kind {
			case valueChoice:
				action = ":" + zshQuote(c.placeholder) + ":(" + strings.Join(c.choices, " ") + ")"
			case valueFile:
				action = ":" + zshQuote(c.placeholder) + ":_files"
			case valueCommand:
				action = ":" + zshQuote(c.placeholder) + ":_command_names -e"
			default:
				action = ":" + zshQuote(c.placeholder) + ": "
			}
		}
		for _, s := range sp {
			opt := s
			if c.takesValue {
				if strings.HasPrefix(s, "--") {
					opt += "="
				} else {
					opt += "+"
				}
			}
			fmt.Fprintf(w, "    '%s%s[%s]%s' \\\n", excl, opt, zshQuote(c.usage), action)
		}
	}
	w.WriteString(`    '(-)1:command:_command_names -e' \
    '*::arguments:_normal'
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _pmap "$@"
else
  compdef _pmap pmap
fi
`)
}

// fishQuote makes s safe inside a single-quoted fish string.
func fishQuote(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}

func writeFish(w *bufio.Writer, cs []completion) {
	var valued []string
	for _, c := range cs {
		if c.takesValue {
			valued = append(valued, c.spellings()...)
		}
	}
	fmt.Fprintf(w, `# fish completion for pmap. Load it with:
#   pmap --completion fish | source
# or save it as ~/.config/fish/completions/pmap.fish.
set -g __pmap_valued %s
# __pmap_options: the command line has not reached the template yet.
function __pmap_options
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --
                return 1
            case '-*=*'
            case '-?*'
                contains -- $t $__pmap_valued; and set skip 1
            case '*'
                return 1
        end
    end
    return 0
end
complete -c pmap -f
complete -c pmap -a '(__fish_complete_subcommand -- $__pmap_valued)'
`, strings.Join(valued, " "))
	for _, c := range cs {
		var b strings.Builder
		b.WriteString("complete -c pmap -n __pmap_options")
		for _, s := range c.short {
			b.WriteString(" -s " + s)
		}
		for _, l := range c.long {
			b.WriteString(" -l " + l)
		}
		if c.takesValue {
			switch c.kind {
			case valueChoice:
				b.WriteString(" -x -a '" + fishQuote(strings.Join(c.choices, " ")) + "'")
			case valueFile:
				b.WriteString(" -r -F")
			case valueCommand:
				b.WriteString(" -x -a '(__fish_complete_command)'")
			default:
				b.WriteString(" -x")
			}
		}
		b.WriteString(" -d '" + fishQuote(c.usage) + "'")
		w.WriteString(b.String() + "\n")
	}
}

package template

// compilePlain finds the replacement strings of a Plain template; the rest
// is literal text.
func compilePlain(s string, br *braces) ([]tgroup, error) {
	var pieces []tpiece
	var lit []byte
	for i := 0; i < len(s); {
		c := s[i]
		if c != '{' && c != '}' {
			lit = append(lit, c)
			i++
			continue
		}
		k, n, p, err := br.match(i, false)
		if err != nil {
			return nil, err
		}
		switch k {
		case bracePH:
			if p.spread {
				return nil, errAt(s, i, "%s: an array is spread into words of a command only", p.text)
			}
			if len(lit) > 0 {
				pieces = append(pieces, tpiece{lit: string(lit)})
				lit = lit[:0]
			}
			pieces = append(pieces, tpiece{ph: p, ctx: cPlain})
		case braceOpen:
			lit = append(lit, '{')
		case braceClose:
			lit = append(lit, '}')
		default:
			lit = append(lit, c)
		}
		i += n
	}
	if len(lit) > 0 {
		pieces = append(pieces, tpiece{lit: string(lit)})
	}
	return group(pieces, nil), nil
}

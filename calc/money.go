package calc

import (
	"math/big"
	"strconv"
	"strings"
)

// Money is an amount of yuan held exactly as integer fen (1 yuan = 100 fen).
type Money int64

// Yuan returns the amount for a whole number of yuan.
func Yuan(y int64) Money { return Money(y * 100) }

// Rat returns the amount in yuan as an exact rational.
func (m Money) Rat() *big.Rat { return big.NewRat(int64(m), 100) }

// String renders the amount in yuan with two decimals and thousands
// separators: "8,000.00".
func (m Money) String() string { return formatFen(int64(m)) }

// MarshalJSON writes the amount as a JSON number of yuan: 2100.5 → 2100.50.
func (m Money) MarshalJSON() ([]byte, error) {
	return []byte(strings.ReplaceAll(formatFen(int64(m)), ",", "")), nil
}

// UnmarshalJSON reads a JSON number or string of yuan (see ParseMoney).
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// parseDecimal reads a plain decimal number ("12", "1.5", "-3") exactly.
func parseDecimal(s string) (*big.Rat, bool) {
	if s == "" || strings.ContainsAny(s, "eE/") {
		return nil, false
	}
	body := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if body == "" || strings.HasPrefix(body, ".") && len(body) == 1 {
		return nil, false
	}
	for _, c := range body {
		if (c < '0' || c > '9') && c != '.' {
			return nil, false
		}
	}
	if strings.Count(body, ".") > 1 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// roundFen rounds an amount of yuan (or days) half away from zero to
// hundredths and returns it as an integer count of hundredths.
func roundFen(r *big.Rat) int64 {
	x := new(big.Rat).Mul(r, big.NewRat(100, 1))
	neg := x.Sign() < 0
	if neg {
		x.Neg(x)
	}
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	v := q.Int64()
	if neg {
		v = -v
	}
	return v
}

// formatFen renders hundredths as a decimal with two places and thousands
// separators: 3200000 -> "32,000.00".
func formatFen(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	frac := fen % 100
	b.WriteByte(byte('0' + frac/10))
	b.WriteByte(byte('0' + frac%10))
	return b.String()
}

// yuanStr renders an exact amount of yuan rounded half-up to the fen.
func yuanStr(r *big.Rat) string { return formatFen(roundFen(r)) }

// numStr renders an exact number without needless decimals: 12, 1.5, 0.71
// (rounded to at most two decimals).
func numStr(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	s := r.FloatString(2)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func ratInt(n int64) *big.Rat { return big.NewRat(n, 1) }

func mul(xs ...*big.Rat) *big.Rat {
	out := big.NewRat(1, 1)
	for _, x := range xs {
		out.Mul(out, x)
	}
	return out
}

func add(xs ...*big.Rat) *big.Rat {
	out := new(big.Rat)
	for _, x := range xs {
		out.Add(out, x)
	}
	return out
}

func quo(a, b *big.Rat) *big.Rat { return new(big.Rat).Quo(a, b) }

package console

import (
	"fmt"
	"html"
	"strings"
)

// Charts are small SVGs drawn here from the numbers (no library, no
// script): bars with their values written on them, so the chart reads
// without the table beside it, and the table without the chart. Colours
// come from the stylesheet's classes (bar, bar2, axis).

// bar is one bar of a chart: a label and one or two values (the second
// drawn over the first, e.g. settled over cases).
type bar struct {
	Label  string
	Value  float64
	Value2 float64
	Text   string // the value as shown
}

// hbars draws horizontal bars, one row per item.
func hbars(title string, bars []bar) string {
	const (
		width, labelW, row, pad = 520.0, 130.0, 28.0, 6.0
	)
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.Value, b.Value2)
	}
	h := float64(len(bars))*row + 2*pad
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, width, h, html.EscapeString(title))
	for i, b := range bars {
		y := pad + float64(i)*row
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`, labelW-8, y+row/2, html.EscapeString(clip(b.Label, 8)))
		w := 0.0
		if maxV > 0 {
			w = (width - labelW - 70) * b.Value / maxV
		}
		fmt.Fprintf(&sb, `<rect class="bar" x="%.0f" y="%.1f" width="%.1f" height="%.1f"/>`, labelW, y+4, max(w, 0.5), row-8)
		if b.Value2 > 0 && maxV > 0 {
			fmt.Fprintf(&sb, `<rect class="bar2" x="%.0f" y="%.1f" width="%.1f" height="%.1f"/>`, labelW, y+8, (width-labelW-70)*b.Value2/maxV, row-16)
		}
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" dominant-baseline="middle">%s</text>`, labelW+max(w, 0.5)+6, y+row/2, html.EscapeString(b.Text))
	}
	fmt.Fprintf(&sb, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, labelW, pad, labelW, h-pad)
	sb.WriteString(`</svg>`)
	return sb.String()
}

// vbars draws vertical bars, one column per item (months).
func vbars(title string, bars []bar) string {
	const (
		width, height, bottom, top, pad = 520.0, 240.0, 30.0, 22.0, 4.0
	)
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.Value, b.Value2)
	}
	n := float64(max(len(bars), 1))
	col := (width - 2*pad) / n
	plot := height - bottom - top
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, width, height, html.EscapeString(title))
	for i, b := range bars {
		x := pad + float64(i)*col
		hgt := 0.0
		if maxV > 0 {
			hgt = plot * b.Value / maxV
		}
		fmt.Fprintf(&sb, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x+col*0.15, top+plot-hgt, col*0.7, max(hgt, 0.5))
		if b.Value2 > 0 && maxV > 0 {
			h2 := plot * b.Value2 / maxV
			fmt.Fprintf(&sb, `<rect class="bar2" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x+col*0.3, top+plot-h2, col*0.4, h2)
		}
		if b.Text != "" && b.Value > 0 {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x+col/2, top+plot-hgt-4, html.EscapeString(b.Text))
		}
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x+col/2, height-bottom+16, html.EscapeString(b.Label))
	}
	fmt.Fprintf(&sb, `<line class="axis" x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f"/>`, pad, top+plot, width-pad, top+plot)
	sb.WriteString(`</svg>`)
	return sb.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

package render

import (
	"fmt"
	"image"
	"math"
)

// rect is an axis-aligned box in pixels (or ems, where noted), y growing downwards;
// x0 <= x1 and y0 <= y1. The zero rect is empty.
type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) w() float64     { return r.x1 - r.x0 }
func (r rect) h() float64     { return r.y1 - r.y0 }
func (r rect) empty() bool    { return r.x0 >= r.x1 || r.y0 >= r.y1 }
func (r rect) String() string { return fmt.Sprintf("(%.2f,%.2f)-(%.2f,%.2f)", r.x0, r.y0, r.x1, r.y1) }

// add returns r moved by (dx, dy).
func (r rect) add(dx, dy float64) rect { return rect{r.x0 + dx, r.y0 + dy, r.x1 + dx, r.y1 + dy} }

// union returns the smallest rect holding r and s; an empty rect adds nothing.
func (r rect) union(s rect) rect {
	if r.empty() {
		return s
	}
	if s.empty() {
		return r
	}
	return rect{min(r.x0, s.x0), min(r.y0, s.y0), max(r.x1, s.x1), max(r.y1, s.y1)}
}

// contains reports whether s lies inside r, allowing eps of rounding.
func (r rect) contains(s rect, eps float64) bool {
	return s.x0 >= r.x0-eps && s.y0 >= r.y0-eps && s.x1 <= r.x1+eps && s.y1 <= r.y1+eps
}

// overlaps reports whether r and s share an area (touching edges do not count).
func (r rect) overlaps(s rect) bool {
	return !r.empty() && !s.empty() && r.x0 < s.x1 && s.x0 < r.x1 && r.y0 < s.y1 && s.y0 < r.y1
}

// pixels returns the whole pixels r touches.
func (r rect) pixels() image.Rectangle {
	return image.Rect(int(math.Floor(r.x0)), int(math.Floor(r.y0)), int(math.Ceil(r.x1)), int(math.Ceil(r.y1)))
}

package chart

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// questionsPlot is the upper panel: answered and declined per day, as
// bars side by side.
func (w Weekly) questionsPlot(h text.Handler) *plot.Plot {
	answered, declined := make(plotter.Values, len(w.Days)), make(plotter.Values, len(w.Days))
	var sumA, sumD, most int
	for i, d := range w.Days {
		answered[i], declined[i] = float64(d.Answered), float64(d.Declined)
		sumA += d.Answered
		sumD += d.Declined
		most = max(most, d.Answered, d.Declined)
	}
	p := w.basePlot(h, "일별 질문", "질문 수(건)", most)

	bar := w.barWidth()
	a, _ := plotter.NewBarChart(answered, bar) // errors only on invalid values, which check refused
	a.Color, a.LineStyle.Width, a.Offset = answeredColor, 0, -bar/2
	d, _ := plotter.NewBarChart(declined, bar)
	d.Color, d.LineStyle.Width, d.Offset = declinedColor, 0, bar/2
	p.Add(a, d)
	p.Legend.Add(fmt.Sprintf("답변한 질문 (합계 %d건)", sumA), a)
	p.Legend.Add(fmt.Sprintf("답변하지 못한 질문 (합계 %d건)", sumD), d)
	w.addShadeLegend(p)
	return p
}

// requestsPlot is the lower panel: requests open at the end of each day.
func (w Weekly) requestsPlot(h text.Handler) *plot.Plot {
	points := make(plotter.XYs, len(w.Days))
	most := 0
	for i, d := range w.Days {
		points[i] = plotter.XY{X: float64(i), Y: float64(d.Open)}
		most = max(most, d.Open)
	}
	p := w.basePlot(h, "일별 처리 중인 요청 (하루 마감 기준)", "요청 수(건)", most)
	line, scatter, _ := plotter.NewLinePoints(points)
	line.Color, line.Width = openColor, px(3)
	scatter.Color, scatter.Shape, scatter.Radius = openColor, draw.CircleGlyph{}, px(4)
	p.Add(line, scatter)
	p.Legend.Add(fmt.Sprintf("접수·처리중 요청 (마지막 날 %d건)", w.Days[len(w.Days)-1].Open), line, scatter)
	w.addShadeLegend(p)
	return p
}

// basePlot is a panel with Korean text, day ticks, a horizontal grid and
// the closed days shaded; most is its largest value.
func (w Weekly) basePlot(h text.Handler, title, yLabel string, most int) *plot.Plot {
	p := plot.New()
	p.TextHandler = h
	p.Title.Text, p.Title.TextStyle = title, withFont(p.Title.TextStyle, h, 17)
	p.Title.Padding = px(10)
	p.Y.Label.Text, p.Y.Label.TextStyle = yLabel, withFont(p.Y.Label.TextStyle, h, 14)
	p.X.Tick.Label = withFont(p.X.Tick.Label, h, 13)
	p.Y.Tick.Label = withFont(p.Y.Tick.Label, h, 13)
	p.Legend.TextStyle = withFont(p.Legend.TextStyle, h, 14)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = px(12), -px(4)
	p.Legend.Padding = px(4)
	p.Legend.ThumbnailWidth = px(26)

	p.X.Min, p.X.Max = -0.5, float64(len(w.Days))-0.5
	p.X.Tick.Marker = dayTicks(w)
	p.X.Padding, p.Y.Padding = 0, 0
	step, top := yScale(most)
	p.Y.Min, p.Y.Max = 0, top
	p.Y.Tick.Marker = intTicks(step)

	p.Add(shade{w})
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color = gridColor
	p.Add(grid)
	return p
}

func withFont(s text.Style, h text.Handler, size float64) text.Style {
	n := style(h, size)
	s.Color, s.Font, s.Handler = n.Color, n.Font, n.Handler
	return s
}

// barWidth fits two bars and a gap into each day's column.
func (w Weekly) barWidth() vg.Length {
	column := (px(Width) - px(140)) / vg.Length(len(w.Days))
	return column * 0.36
}

// yScale picks a step of 1, 2 or 5 times a power of ten giving at most six
// steps, and a top with room above the tallest bar for the legend.
func yScale(most int) (step, top float64) {
	need := math.Max(float64(most)*1.35, 4)
	for mag := 1.0; ; mag *= 10 {
		for _, s := range []float64{1, 2, 5} {
			if need/(s*mag) <= 6 {
				step = s * mag
				return step, math.Ceil(need/step) * step
			}
		}
	}
}

type intTicks float64

func (step intTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for v := math.Ceil(lo/float64(step)) * float64(step); v <= hi+1e-9; v += float64(step) {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("%d", int(v))})
	}
	return ticks
}

// dayTicks labels the days M/D: every day of a short series, every second
// day of up to five weeks, every Monday of a longer one.
func dayTicks(w Weekly) plot.ConstantTicks {
	label := func(i int) bool {
		switch n := len(w.Days); {
		case n <= 16:
			return true
		case n <= 35:
			return (n-1-i)%2 == 0 // always the last day
		default:
			return dateOf(w.Days[i].Date).Weekday() == 1
		}
	}
	ticks := make(plot.ConstantTicks, len(w.Days))
	for i, d := range w.Days {
		ticks[i].Value = float64(i)
		if label(i) {
			t := dateOf(d.Date)
			ticks[i].Label = fmt.Sprintf("%d/%d", t.Month(), t.Day())
		}
	}
	return ticks
}

// shade fills the columns of closed days.
type shade struct{ w Weekly }

func (s shade) Plot(c draw.Canvas, p *plot.Plot) {
	x, y := p.Transforms(&c)
	c.SetColor(shadeColor)
	days := s.w.Days
	for i := 0; i < len(days); i++ {
		if !days[i].Closed {
			continue
		}
		j := i // one rectangle for a run of closed days, without seams
		for j+1 < len(days) && days[j+1].Closed {
			j++
		}
		c.Fill(vg.Rectangle{
			Min: vg.Point{X: x(float64(i) - 0.5), Y: y(p.Y.Min)},
			Max: vg.Point{X: x(float64(j) + 0.5), Y: y(p.Y.Max)},
		}.Path())
		i = j
	}
}

func (s shade) Thumbnail(c *draw.Canvas) {
	c.SetColor(shadeColor)
	c.Fill(c.Rectangle.Path())
}

func (w Weekly) addShadeLegend(p *plot.Plot) {
	for _, d := range w.Days {
		if d.Closed {
			p.Legend.Add("주말·공휴일", shade{w})
			return
		}
	}
}

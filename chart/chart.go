// Package chart draws the chart of the weekly report: questions answered
// and declined per day, and requests still open at the end of each day,
// as a PNG with Korean labels.
//
// It draws with gonum.org/v1/plot: maintained by the Gonum project, pure
// Go, with axes, ticks, legends, bars and lines, and text set through
// golang.org/x/image's opentype, so an embedded Korean TrueType font works
// without a system font; its raster output is the same bytes for the same
// input. github.com/wcharczuk/go-chart/v2 was the other full charting
// library the module proxy serves, with fewer releases and the same
// rasteriser underneath; github.com/fogleman/gg (last release 2019) and
// golang.org/x/image alone would leave axes, ticks and legend to write here.
//
// The font is NanumSquare Regular (fonts/, SIL Open Font License 1.1): one
// weight with every Hangul syllable in 724 KB, where NanumGothic is 4.7 MB.
package chart

import (
	"bytes"
	_ "embed"
	"fmt"
	"image/color"
	"sync"
	"time"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/sellerbot/sellerbot"
)

// Width and Height are the size of the PNG in pixels.
const (
	Width  = 1200
	Height = 900
	dpi    = 96
)

// MaxDays is the longest series Render draws.
const MaxDays = 62

// Day is one day of the report.
type Day struct {
	Date     time.Time // the day, in Korea
	Answered int       // questions answered that day
	Declined int       // questions the bot could not answer
	Open     int       // requests still 접수 or 처리중 at the end of the day
	Closed   bool      // a weekend or holiday: shaded
}

// Weekly is what the chart shows: consecutive days, oldest first
// (usually the last 28).
type Weekly struct {
	Days []Day
}

//go:embed fonts/NanumSquareR.ttf
var nanumSquare []byte

const typeface = "NanumSquare"

var handler = sync.OnceValues(func() (text.Handler, error) {
	f, err := opentype.Parse(nanumSquare)
	if err != nil {
		return nil, fmt.Errorf("chart: embedded font: %w", err)
	}
	cache := font.NewCache(font.Collection{{Font: font.Font{Typeface: typeface}, Face: f}})
	return text.Plain{Fonts: cache}, nil
})

var (
	ink           = color.RGBA{0x22, 0x22, 0x22, 0xff}
	answeredColor = color.RGBA{0x2f, 0x6f, 0xc0, 0xff}
	declinedColor = color.RGBA{0xe8, 0x8a, 0x2e, 0xff}
	openColor     = color.RGBA{0x7b, 0x3f, 0x9e, 0xff}
	shadeColor    = color.RGBA{0xee, 0xee, 0xee, 0xff}
	gridColor     = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
)

// Render draws the chart as a PNG of Width x Height pixels. The same data
// gives the same bytes. With no days, or nothing on any day, the chart
// says there is no data.
func Render(w Weekly) ([]byte, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	h, err := handler()
	if err != nil {
		return nil, err
	}
	return render(w, h)
}

func render(w Weekly, h text.Handler) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(px(Width), px(Height)), vgimg.UseDPI(dpi))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	titleStyle := style(h, 20)
	titleStyle.XAlign, titleStyle.YAlign = draw.XCenter, draw.YTop
	dc.FillText(titleStyle, vg.Point{X: dc.Center().X, Y: dc.Max.Y - px(18)}, w.title())
	body := draw.Crop(dc, px(16), -px(24), px(8), -px(70))

	if len(w.Days) > 0 {
		top, bottom := w.questionsPlot(h), w.requestsPlot(h)
		tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: px(28)}
		canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, body)
		top.Draw(canvases[0][0])
		bottom.Draw(canvases[1][0])
	}
	if w.empty() {
		drawNoData(dc, h)
	}

	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encoding the PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// check refuses data the chart cannot show truthfully.
func (w Weekly) check() error {
	if len(w.Days) > MaxDays {
		return fmt.Errorf("chart: %d days is more than %d", len(w.Days), MaxDays)
	}
	for i, d := range w.Days {
		if d.Answered < 0 || d.Declined < 0 || d.Open < 0 {
			return fmt.Errorf("chart: day %d (%s) has a negative count", i+1, isoDate(d.Date))
		}
		if i > 0 {
			want := dateOf(w.Days[i-1].Date).AddDate(0, 0, 1)
			if !dateOf(d.Date).Equal(want) {
				return fmt.Errorf("chart: day %d is %s; want %s, the day after day %d", i+1, isoDate(d.Date), want.Format("2006-01-02"), i)
			}
		}
	}
	return nil
}

func (w Weekly) empty() bool {
	for _, d := range w.Days {
		if d.Answered+d.Declined+d.Open > 0 {
			return false
		}
	}
	return true
}

func (w Weekly) title() string {
	if len(w.Days) == 0 {
		return "주간 리포트"
	}
	first, last := w.Days[0].Date, w.Days[len(w.Days)-1].Date
	return fmt.Sprintf("주간 리포트: %s ~ %s, %d일간", koreanDate(first), koreanDate(last), len(w.Days))
}

func drawNoData(dc draw.Canvas, h text.Handler) {
	const msg = "이 기간에는 표시할 데이터가 없습니다."
	sty := style(h, 22)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	box := sty.Rectangle(msg)
	// In the middle of the upper panel, clear of the day labels.
	center := vg.Point{X: dc.Center().X, Y: dc.Max.Y - px(Height*0.3)}
	pad := px(24)
	dc.SetColor(color.White)
	dc.Fill(vg.Rectangle{
		Min: vg.Point{X: center.X + box.Min.X - pad, Y: center.Y + box.Min.Y - pad},
		Max: vg.Point{X: center.X + box.Max.X + pad, Y: center.Y + box.Max.Y + pad},
	}.Path())
	dc.FillText(sty, center, msg)
}

// style is the Korean text style of the given size in pixels.
func style(h text.Handler, size float64) text.Style {
	return text.Style{Color: ink, Font: font.Font{Typeface: typeface, Size: px(size)}, Handler: h}
}

// px converts pixels to the points gonum/plot measures in.
func px(n float64) vg.Length { return vg.Length(n) * vg.Inch / dpi }

func dateOf(t time.Time) time.Time {
	y, m, d := t.In(sellerbot.KST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, sellerbot.KST)
}

func isoDate(t time.Time) string { return dateOf(t).Format("2006-01-02") }

var weekdays = [7]string{"일", "월", "화", "수", "목", "금", "토"}

func koreanDate(t time.Time) string {
	d := dateOf(t)
	return fmt.Sprintf("%d월 %d일(%s)", d.Month(), d.Day(), weekdays[d.Weekday()])
}

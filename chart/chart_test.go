package chart

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"

	"github.com/sellerbot/sellerbot/bizday"
)

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if cfg.Width != Width || cfg.Height != Height {
		t.Fatalf("PNG is %dx%d; want %dx%d", cfg.Width, cfg.Height, Width, Height)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	return img
}

// darkPixels counts the pixels of text (ink and its anti-aliasing) in r.
// The series colours are not dark in all three channels, so bars and lines
// do not count; axis lines do, so regions avoid them.
func darkPixels(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0x8000 && cg < 0x8000 && cb < 0x8000 {
				n++
			}
		}
	}
	return n
}

// rendered is the sample drawn once for the tests that look at it (a
// rendering takes a second under the race detector), with every string
// drawn.
var rendered = sync.OnceValues(func() ([]byte, *recorder) {
	h, err := handler()
	if err != nil {
		panic(err)
	}
	rec := &recorder{Handler: h}
	b, err := render(sample(), rec)
	if err != nil {
		panic(err)
	}
	return b, rec
})

func TestSampleSizeAndDeterminism(t *testing.T) {
	t.Parallel()
	a, _ := rendered()
	decode(t, a)
	if len(a) < 20_000 || len(a) > 400_000 {
		t.Errorf("PNG is %d bytes", len(a))
	}
	b, err := Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same data differ")
	}
}

// The text is where the labels are: title, panel titles, legends, the
// day labels under each panel and the rotated axis labels.
func TestTextWhereLabelsAre(t *testing.T) {
	t.Parallel()
	b, _ := rendered()
	img := decode(t, b)
	regions := []struct {
		name string
		r    image.Rectangle
		min  int
	}{
		{"title", image.Rect(350, 10, 850, 45), 400},
		{"upper panel title", image.Rect(500, 62, 700, 90), 150},
		{"upper legend", image.Rect(110, 100, 320, 150), 300},
		{"upper day labels", image.Rect(80, 450, 1180, 472), 300},
		{"upper axis label", image.Rect(8, 230, 30, 320), 60},
		{"lower panel title", image.Rect(450, 488, 750, 515), 200},
		{"lower legend", image.Rect(110, 525, 320, 560), 200},
		{"lower day labels", image.Rect(80, 875, 1180, 897), 300},
	}
	for _, rg := range regions {
		if n := darkPixels(img, rg.r); n < rg.min {
			t.Errorf("%s %v: %d dark pixels; want at least %d", rg.name, rg.r, n, rg.min)
		}
	}
	// Inside the upper data area, away from axes and legend, no text.
	if n := darkPixels(img, image.Rect(400, 160, 1150, 430)); n != 0 {
		t.Errorf("%d dark pixels among the bars", n)
	}
}

// Golden-ish: the sample matches testdata/weekly.png pixel by pixel (not
// byte by byte, so a change of PNG encoder does not matter), and a changed
// label, font or layout shows. go test ./chart -run TestGolden -update
// rewrites it; look at it before committing.
func TestGolden(t *testing.T) {
	t.Parallel()
	b, _ := rendered()
	if *update {
		if err := os.WriteFile("testdata/weekly.png", b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/weekly.png")
	if err != nil {
		t.Fatal(err)
	}
	got, golden := rgba(decode(t, b)), rgba(decode(t, want))
	differ := 0
	for i := 0; i < len(got.Pix); i += 4 {
		d := absDiff(got.Pix[i], golden.Pix[i]) + absDiff(got.Pix[i+1], golden.Pix[i+1]) + absDiff(got.Pix[i+2], golden.Pix[i+2])
		if d > 3*16 {
			differ++
		}
	}
	if differ > 100 { // PNG is lossless: only a change of rasteriser moves pixels
		t.Errorf("%d pixels differ from testdata/weekly.png", differ)
	}
}

func rgba(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok {
		return r
	}
	r := image.NewRGBA(img.Bounds())
	draw.Draw(r, r.Bounds(), img, image.Point{}, draw.Src)
	return r
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// recorder notes every string drawn.
type recorder struct {
	text.Handler
	mu   sync.Mutex
	seen []string
}

func (r *recorder) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	r.mu.Lock()
	r.seen = append(r.seen, txt)
	r.mu.Unlock()
	r.Handler.Draw(c, txt, sty, pt)
}

// No tofu: the embedded font has a glyph for every character drawn.
func TestEveryCharacterHasAGlyph(t *testing.T) {
	t.Parallel()
	_, rec := rendered()
	for _, w := range []Weekly{{}, days(60, 0)} {
		if _, err := render(w, rec); err != nil {
			t.Fatal(err)
		}
	}
	f, err := opentype.Parse(nanumSquare)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	all := strings.Join(rec.seen, "")
	for _, want := range []string{"주간 리포트", "답변한 질문", "답변하지 못한 질문", "주말·공휴일", "접수·처리중", "표시할 데이터가 없습니다", "10/11"} {
		if !strings.Contains(all, want) {
			t.Errorf("nothing drawn contains %q", want)
		}
	}
	for _, r := range all {
		if r == ' ' {
			continue
		}
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			t.Errorf("no glyph for %q (%U)", r, r)
		}
	}
}

// days is n consecutive days from 2026-11-02 with the same counts.
func days(n, count int) Weekly {
	var w Weekly
	for i := 0; i < n; i++ {
		d := bizday.Date(2026, 11, 2+i)
		w.Days = append(w.Days, Day{Date: d, Answered: count, Declined: count, Open: count, Closed: d.Weekday() == time.Sunday})
	}
	return w
}

func TestNoData(t *testing.T) {
	t.Parallel()
	for name, w := range map[string]Weekly{"no days": {}, "all zero": days(28, 0)} {
		b, err := Render(w)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img := decode(t, b)
		if n := darkPixels(img, image.Rect(380, 250, 820, 290)); n < 500 {
			t.Errorf("%s: %d dark pixels where the no-data message goes", name, n)
		}
	}
}

func TestOtherLengths(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, MaxDays} { // TestDayTicks has the other lengths
		if b, err := Render(days(n, 3)); err != nil {
			t.Errorf("%d days: %v", n, err)
		} else {
			decode(t, b)
		}
	}
}

func TestBadData(t *testing.T) {
	t.Parallel()
	gap := days(3, 1)
	gap.Days[2].Date = gap.Days[2].Date.AddDate(0, 0, 1)
	negative := days(3, 1)
	negative.Days[1].Declined = -1
	tests := map[string]struct {
		w    Weekly
		want string
	}{
		"too long": {days(MaxDays+1, 1), "more than 62"},
		"a gap":    {gap, "day 3 is 2026-11-05; want 2026-11-04"},
		"negative": {negative, "day 2 (2026-11-03) has a negative count"},
	}
	for name, tt := range tests {
		if _, err := Render(tt.w); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v; want one with %q", name, err, tt.want)
		}
	}
	// A day given as an instant elsewhere still counts as its Korean date.
	utc := days(2, 1)
	utc.Days[1].Date = time.Date(2026, 11, 2, 15, 30, 0, 0, time.UTC) // 11/3 00:30 KST
	if _, err := Render(utc); err != nil {
		t.Errorf("dates in UTC: %v", err)
	}
}

func TestDayTicks(t *testing.T) {
	labels := func(w Weekly) (out []string) {
		for _, tk := range dayTicks(w) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	if got := labels(days(7, 0)); strings.Join(got, " ") != "11/2 11/3 11/4 11/5 11/6 11/7 11/8" {
		t.Errorf("7 days: %v", got)
	}
	got := labels(sample())
	if len(got) != 14 || got[0] != "9/15" || got[13] != "10/11" {
		t.Errorf("28 days: %v", got)
	}
	if got := labels(days(60, 0)); len(got) != 9 || got[0] != "11/2" || got[1] != "11/9" {
		t.Errorf("60 days (Mondays): %v", got)
	}
}

func TestYScale(t *testing.T) {
	tests := []struct {
		most      int
		step, top float64
	}{
		{0, 1, 4}, {3, 1, 5}, {46, 20, 80}, {64, 20, 100}, {24, 10, 40}, {1000, 500, 1500},
	}
	for _, tt := range tests {
		if step, top := yScale(tt.most); step != tt.step || top != tt.top {
			t.Errorf("yScale(%d) = %v, %v; want %v, %v", tt.most, step, top, tt.step, tt.top)
		}
	}
}

package chart

import (
	"flag"

	"github.com/sellerbot/sellerbot/bizday"
)

var update = flag.Bool("update", false, "rewrite testdata/weekly.png")

// sample is four weeks around 추석 2026 as a support team sees them:
// busy weekdays, quiet weekends and holidays, open requests piling up
// over the long weekend and worked off after it.
func sample() Weekly {
	answered := []int{46, 52, 49, 44, 38, 12, 9, 55, 61, 58, 16, 8, 6, 10, 64, 57, 51, 48, 40, 11, 8, 14, 62, 55, 47, 21, 9, 7}
	declined := []int{9, 11, 8, 10, 7, 3, 2, 12, 14, 11, 4, 2, 1, 3, 15, 10, 9, 8, 7, 2, 1, 4, 13, 9, 8, 4, 2, 2}
	open := []int{14, 15, 13, 12, 11, 13, 14, 12, 10, 9, 12, 17, 21, 24, 18, 13, 10, 9, 8, 10, 12, 15, 11, 9, 8, 10, 12, 13}
	cal := bizday.New(nil)
	var w Weekly
	for i := range answered {
		d := bizday.Date(2026, 9, 14+i)
		w.Days = append(w.Days, Day{Date: d, Answered: answered[i], Declined: declined[i], Open: open[i], Closed: !cal.IsBusinessDay(d)})
	}
	return w
}

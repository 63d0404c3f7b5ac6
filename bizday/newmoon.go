package bizday

import "math"

// newMoonJDE is the instant of the true new moon of lunation k (k = 0 is the
// new moon of 2000-01-06) as a Julian Ephemeris Day (Terrestrial Time),
// after Meeus, "Astronomical Algorithms", 2nd ed., chapter 49: the mean
// phase (49.1), the periodic terms for the new moon and the fourteen
// planetary arguments. Meeus gives its error against ELP-2000/82 as a few
// seconds (at most 17 s over 1980-2020), far inside the hour that matters
// here.
//
// lunar-go computes the same instant internally but exports only the day it
// falls on in Beijing time (ShouXingUtil.CalcShuo), so the hour that decides
// the Korean date has to be computed here.
func newMoonJDE(k float64) float64 {
	t := k / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t
	jde := 2451550.09766 + 29.530588861*k + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4

	e := 1 - 0.002516*t - 0.0000074*t2
	m := deg(2.5534 + 29.10535670*k - 0.0000014*t2 - 0.00000011*t3)
	mp := deg(201.5643 + 385.81693528*k + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4)
	f := deg(160.7108 + 390.67050284*k - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4)
	om := deg(124.7746 - 1.56375588*k + 0.0020672*t2 + 0.00000215*t3)

	s := math.Sin
	jde += -0.40720*s(mp) +
		0.17241*e*s(m) +
		0.01608*s(2*mp) +
		0.01039*s(2*f) +
		0.00739*e*s(mp-m) -
		0.00514*e*s(mp+m) +
		0.00208*e*e*s(2*m) -
		0.00111*s(mp-2*f) -
		0.00057*s(mp+2*f) +
		0.00056*e*s(2*mp+m) -
		0.00042*s(3*mp) +
		0.00042*e*s(m+2*f) +
		0.00038*e*s(m-2*f) -
		0.00024*e*s(2*mp-m) -
		0.00017*s(om) -
		0.00007*s(mp+2*m) +
		0.00004*s(2*mp-2*f) +
		0.00004*s(3*m) +
		0.00003*s(mp+m-2*f) +
		0.00003*s(2*mp+2*f) -
		0.00003*s(mp+m+2*f) +
		0.00003*s(mp-m+2*f) -
		0.00002*s(mp-m-2*f) -
		0.00002*s(3*mp+m) +
		0.00002*s(4*mp)

	// Planetary arguments (Meeus 49, "additional corrections for all phases").
	planetary := [14][3]float64{
		{299.77, 0.107408, 0.000325},
		{251.88, 0.016321, 0.000165},
		{251.83, 26.651886, 0.000164},
		{349.42, 36.412478, 0.000126},
		{84.66, 18.206239, 0.000110},
		{141.74, 53.303771, 0.000062},
		{207.14, 2.453732, 0.000060},
		{154.84, 7.306860, 0.000056},
		{34.52, 27.261239, 0.000047},
		{207.19, 0.121824, 0.000042},
		{291.34, 1.844379, 0.000040},
		{161.72, 24.198154, 0.000037},
		{239.56, 25.513099, 0.000035},
		{331.55, 3.592518, 0.000023},
	}
	for i, p := range planetary {
		a := p[0] + p[1]*k
		if i == 0 {
			a -= 0.009173 * t2
		}
		jde += p[2] * s(deg(a))
	}
	return jde
}

func deg(d float64) float64 { return d * math.Pi / 180 }

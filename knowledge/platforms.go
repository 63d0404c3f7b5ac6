package knowledge

import "strings"

// platforms maps each marketplace, shop builder and payment company a
// seller may name to the spellings sellers use. A question that names a
// platform can only be answered by an article about that platform: "G마켓
// 구매확정은 며칠 후예요?" must not get Interpark's rule.
var platforms = map[string][]string{
	"인터파크":     {"인터파크", "interpark", "판매자매니저"},
	"위메프":      {"위메프", "wemakeprice", "wmp"},
	"아임셀러":     {"아임셀러", "imseller", "아이셀러"},
	"아임웹":      {"아임웹", "imweb"},
	"카페24":     {"카페24", "cafe24"},
	"메이크샵":     {"메이크샵", "makeshop"},
	"고도몰":      {"고도몰", "godomall"},
	"11번가":     {"11번가", "11st", "셀러오피스"},
	"g마켓":      {"g마켓", "지마켓", "gmarket"},
	"옥션":       {"옥션", "auction"},
	"esm":      {"esm"},
	"쿠팡":       {"쿠팡", "coupang"},
	"스마트스토어":   {"스마트스토어", "스토어팜", "네이버", "naver", "smartstore"},
	"티몬":       {"티몬", "tmon"},
	"롯데":       {"롯데닷컴", "롯데홈쇼핑", "롯데온", "롯데"},
	"현대몰":      {"현대몰", "현대홈쇼핑"},
	"cj":       {"cjmall", "cj몰", "cj온스타일"},
	"gs샵":      {"gsshop", "gs샵"},
	"공영홈쇼핑":    {"공영홈쇼핑"},
	"무신사":      {"무신사"},
	"에이블리":     {"에이블리"},
	"지그재그":     {"지그재그"},
	"아마존":      {"아마존", "amazon"},
	"쇼피파이":     {"쇼피파이", "shopify"},
	"kg이니시스":   {"이니시스", "inicis"},
	"kcp":      {"kcp"},
	"나이스페이":    {"나이스페이", "나이스페이먼츠", "nicepay", "나이스"},
	"이지페이":     {"이지페이", "easypay"},
	"토스페이먼츠":   {"토스페이먼츠", "토스", "tosspayments", "toss"},
	"ksnet":    {"ksnet"},
	"모빌리언스":    {"모빌리언스", "올앳"},
	"카페24페이먼츠": {"카페24페이먼츠"},
	"카카오페이":    {"카카오페이"},
	"페이팔":      {"페이팔", "paypal"},
	"네이버페이":    {"네이버페이", "npay"},
	// Markets, payment companies and couriers the sources do not cover: a
	// question naming one of them is about its own policies, so every
	// article is off-platform for it.
	"카카오커머스":  {"카카오톡선물하기", "카카오선물하기", "선물하기", "카카오쇼핑", "톡스토어", "카카오톡스토어", "카카오스타일"},
	"오늘의집":    {"오늘의집", "오늘의 집"},
	"29cm":    {"29cm"},
	"ssg":     {"ssg", "쓱닷컴", "신세계몰", "이마트몰"},
	"배민":      {"배민", "배달의민족", "배민상회"},
	"토스쇼핑":    {"토스쇼핑"},
	"w컨셉":     {"w컨셉", "wconcept"},
	"브랜디":     {"브랜디"},
	"올리브영":    {"올리브영"},
	"컬리":      {"마켓컬리", "컬리"},
	"당근":      {"당근마켓", "당근"},
	"번개장터":    {"번개장터", "번장"},
	"중고나라":    {"중고나라"},
	"아이디어스":   {"아이디어스", "idus"},
	"텐바이텐":    {"텐바이텐"},
	"인스타그램":   {"인스타그램", "인스타", "instagram"},
	"유튜브":     {"유튜브", "youtube"},
	"틱톡":      {"틱톡", "tiktok"},
	"큐텐":      {"큐텐", "qoo10"},
	"알리":      {"알리익스프레스", "알리바바", "aliexpress"},
	"테무":      {"테무", "temu"},
	"이베이":     {"이베이", "ebay"},
	"라쿠텐":     {"라쿠텐", "rakuten"},
	"쇼피":      {"쇼피", "shopee"},
	"식스샵":     {"식스샵", "sixshop"},
	"샵바이":     {"샵바이", "shopby"},
	"홈앤쇼핑":    {"홈앤쇼핑"},
	"ns홈쇼핑":   {"ns홈쇼핑"},
	"우체국쇼핑":   {"우체국쇼핑"},
	"페이코":     {"페이코", "payco"},
	"다날":      {"다날", "danal"},
	"스마일페이":   {"스마일페이"},
	"삼성페이":    {"삼성페이"},
	"애플페이":    {"애플페이"},
	"헥토":      {"헥토파이낸셜", "세틀뱅크"},
	"스마트로":    {"스마트로", "smartro"},
	"갤럭시아":    {"갤럭시아머니트리", "갤럭시아", "머니트리"},
	"엑심베이":    {"엑심베이", "eximbay"},
	"페이게이트":   {"페이게이트", "paygate"},
	"kpn":     {"한국결제네트웍스", "kpn"},
	"키움페이":    {"키움페이", "다우페이", "다우데이타"},
	"웰컴페이먼츠":  {"웰컴페이먼츠"},
	"페이앱":     {"페이앱", "payapp"},
	"페이플":     {"페이플", "payple"},
	"블루월넛":    {"블루월넛"},
	"나이스정보통신": {"나이스정보통신"},
	"유플러스":    {"lg유플러스", "유플러스", "uplus"},
	"포트원":     {"포트원", "아임포트", "portone", "iamport"},
	"알리페이":    {"알리페이", "alipay"},
	"위챗페이":    {"위챗페이", "wechatpay"},
	"구글페이":    {"구글페이"},
	// Integration tools like 아임셀러, and shop builders the sources do not cover.
	"플레이오토": {"플레이오토", "playauto"},
	"샵링커":   {"샵링커", "shoplinker"},
	"사방넷":   {"사방넷", "sabangnet"},
	"이셀러스":  {"이셀러스", "esellers"},
	"셀러허브":  {"셀러허브"},
	"샵마인":   {"샵마인"},
	"이지어드민": {"이지어드민", "ezadmin"},
	"셀메이트":  {"셀메이트"},
	"위사":    {"위사몰", "wisa"},
	"퍼스트몰":  {"퍼스트몰", "firstmall"},
	"크리마":   {"크리마"},

	"페이레터":  {"페이레터"},
	"스트라이프": {"스트라이프", "stripe"},
	"대한통운":  {"대한통운", "cj택배"},
	"한진택배":  {"한진택배"},
	"로젠택배":  {"로젠택배", "로젠"},
	"우체국택배": {"우체국택배"},
	"롯데택배":  {"롯데택배"},
	"경동택배":  {"경동택배"},
}

// compact lower-cases s and drops spaces and punctuation, so "G 마켓" and
// "카페 24" are found too.
func compact(s string) string {
	var sb strings.Builder
	for _, r := range normalize(s) {
		if script(r) != 0 {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// platformSpellings indexes every spelling by its first rune, so finding
// the platforms in a text is one pass over it instead of one substring
// search per spelling (a third of the load time of a 50,000-article base).
var platformSpellings = func() map[rune][]spelling {
	m := map[rune][]spelling{}
	for name, sps := range platforms {
		for _, sp := range sps {
			r := []rune(sp)[0]
			m[r] = append(m[r], spelling{sp, name})
		}
	}
	return m
}()

type spelling struct{ text, platform string }

// scanPlatforms calls fn for every platform spelling found in compact text c.
func scanPlatforms(c string, fn func(spelling)) {
	for i, r := range c {
		for _, sp := range platformSpellings[r] {
			if strings.HasPrefix(c[i:], sp.text) {
				fn(sp)
			}
		}
	}
}

// platformsIn lists the platforms named in s.
func platformsIn(s string) map[string]bool { return platformsInCompact(compact(s)) }

// platformsInCompact is platformsIn for compacted text.
func platformsInCompact(c string) map[string]bool {
	found := map[string]bool{}
	scanPlatforms(c, func(sp spelling) { found[sp.platform] = true })
	// "카페24페이먼츠" also contains "카페24", "토스페이먼츠" contains "토스";
	// a longer name wins over the shorter one inside it.
	if found["카페24페이먼츠"] && !strings.Contains(strings.ReplaceAll(c, "카페24페이먼츠", ""), "카페24") {
		delete(found, "카페24")
	}
	if found["네이버페이"] && !strings.Contains(strings.ReplaceAll(c, "네이버페이", ""), "네이버") {
		delete(found, "스마트스토어")
	}
	return found
}

// passingMarkets are marketplaces the sources mention only as places
// 아임셀러 sends products to. Keywords and bodies name them in passing, so an
// article is about one of them only when its title or questions say so.
var passingMarkets = toSet("11번가", "g마켓", "옥션", "esm", "쿠팡", "스마트스토어", "티몬", "롯데", "현대몰", "cj", "gs샵", "공영홈쇼핑")

// articlePlatforms are the platforms an article is about: those named in
// its title, source, questions and keywords. The passingMarkets are the
// exception: the sources name them mostly in lists of the markets 아임셀러
// connects to, so an article is about one of them only when its title names
// it or a line of its body says something about it alone (a line naming at
// most three platforms: "**스토어팜**은 조회기간 24시간", not the list of 14).
func articlePlatforms(a *Article) map[string]bool {
	strong := platformsIn(a.Title + " " + a.Source + " " + strings.Join(a.Questions, " ") + " " + strings.Join(a.Keywords, " "))
	for p := range strong {
		if passingMarkets[p] {
			delete(strong, p)
		}
	}
	for p := range platformsIn(a.Title) {
		strong[p] = true
	}
	if !mayNameMarket(a.Body) {
		return strong
	}
	for _, line := range strings.Split(a.Body, "\n") {
		named := platformsIn(line)
		if len(named) > 3 {
			continue
		}
		for p := range named {
			if passingMarkets[p] {
				strong[p] = true
			}
		}
	}
	return strong
}

// integrationWords mark a question about connecting a market to 아임셀러
// ("쿠팡도 연동돼요?"): there a passing market is the object of the
// integration, not the platform whose policy is asked about.
var integrationWords = []string{"연동", "연결", "연계", "제휴몰", "아임셀러", "imseller"}

// questionPlatforms lists the platforms a question asks about. A passing
// market named in an integration question does not count.
func questionPlatforms(q string) map[string]bool {
	c := compact(q)
	named := platformsInCompact(c)
	for _, w := range integrationWords {
		if strings.Contains(c, w) {
			for p := range named {
				if passingMarkets[p] {
					delete(named, p)
				}
			}
			break
		}
	}
	return named
}

// platformSpellingsIn lists the spellings of platform names found in s.
func platformSpellingsIn(s string) []string {
	var out []string
	scanPlatforms(compact(s), func(sp spelling) { out = append(out, sp.text) })
	return out
}

// partOfPlatform reports whether w is (part of) a platform name found in
// the question, such as "11" and "번가" of "11번가".
func partOfPlatform(w word, spellings []string) bool {
	for _, sp := range spellings {
		if strings.Contains(sp, w.stem) || strings.Contains(sp, w.text) {
			return true
		}
	}
	return false
}

func namesPassingMarket(named map[string]bool) bool {
	for p := range named {
		if passingMarkets[p] {
			return true
		}
	}
	return false
}

// marketAnchors are pieces of every passingMarkets spelling. A body without
// any of them names no such market, so articlePlatforms skips normalizing
// it line by line (most of the load time of a 50,000-article base).
var marketAnchors = []string{"번가", "11st", "셀러오피스", "마켓", "gmarket", "옥션", "auction", "esm",
	"쿠팡", "coupang", "스토어", "store", "네이버", "naver", "티몬", "tmon", "롯데", "현대", "cj", "gs", "공영"}

func mayNameMarket(s string) bool {
	low := asciiLower(s)
	for _, a := range marketAnchors {
		if strings.Contains(low, a) {
			return true
		}
	}
	return false
}

// asciiLower lower-cases ASCII letters only: the anchors' other letters are
// Hangul, and strings.ToLower's Unicode path costs more than the search.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

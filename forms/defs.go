package forms

import (
	"fmt"
	"time"
)

// Addresses and numbers from the marketplace's help pages (seeds 000, 002).
const (
	MailCancel   = "csceller@interparkshop.com" // verbatim from the cancellation page
	MailTax      = "csseller@interparkshop.com"
	MailAPI      = "api@interparkshop.com"
	TaxFax       = "02-6924-9010"
	SellerCenter = "1544-4155"
)

// Selectable values, stored as is.
const (
	DeductYes  = "deduct"
	DeductNo   = "no-deduct"
	RefundYes  = "refund"
	RefundNo   = "no-refund"
	AgreedYes  = "agreed"
	AgreedNo   = "not-agreed"
	ByEmail    = "email"
	ByFax      = "fax"
	APIProduct = "product"
	APIOrder   = "order"
	APIQuota   = "quota"
)

var taxTypes = []Option{
	{"general", "일반과세자"},
	{"simplified", "간이과세자"},
	{"exempt", "면세사업자"},
}

var cancelForm = &Form{
	Kind:    CancelRequest,
	Command: "/cancel-request",
	Title:   "직권 취소 요청",
	Name:    "직권 취소(발송 후 취소·환불)",
	Intro: "*발송처리 이후* 고객의 취소·반품 요청 없이 주문취소 또는 환불을 하려면 직권 처리가 필요합니다.\n" +
		"• 먼저 *주문 고객과 유선(전화)으로 협의*해 주세요. 협의하지 않은 건은 접수되지 않습니다.\n" +
		"• 아래 요청양식을 빠짐없이 기입해 주시면 고객센터(1:1문의 또는 " + MailCancel + ")로 접수됩니다.",
	Prefill:     "order_no",
	Prefix:      "> ",
	MailTo:      MailCancel,
	Destination: "1:1문의 또는 고객센터 이메일(" + MailCancel + ")",
	Expected: func(Values) string {
		return "고객센터에서 확인 후 직권 처리하며, 진행 상황은 이 DM으로 알려 드립니다."
	},
	Fields: []Field{
		{ID: "order_no", Label: "주문번호", Type: Digits, MinLen: 8, MaxLen: 20, Placeholder: "예: 202008131105904", Hint: "숫자만 입력해 주세요."},
		{ID: "buyer", Label: "주문자명", Type: Text, MaxLen: 50},
		{ID: "product", Label: "상품명", Type: Text, MaxLen: 200},
		{ID: "option", Label: "옵션", Type: Text, MaxLen: 200, Optional: true, Hint: "옵션이 없는 상품이면 비워 두세요."},
		{ID: "quantity", Label: "수량", Type: Number, Min: 1, Max: 9999, Placeholder: "예: 1"},
		{ID: "reason", Label: "취소사유", Type: Text, MaxLen: 300},
		{ID: "deduct", Label: "배송비차감여부", Type: Select, Options: []Option{{DeductYes, "차감"}, {DeductNo, "미차감"}}},
		{ID: "deduct_amount", Label: "차감금액(원)", Type: Amount, Min: 1, Max: 1_000_000, Optional: true, Placeholder: "예: 3000", Hint: "배송비를 차감하는 경우에만 입력해 주세요."},
		{ID: "refund", Label: "환불진행 여부", Type: Select, Options: []Option{{RefundYes, "진행 (상품 입고 완료, 환불 가능)"}, {RefundNo, "미진행 (미입고 또는 환불 대상 아님)"}}, Hint: "상품이 입고되어 환불진행이 가능한 경우 반드시 '진행'을 선택해 주세요."},
		{ID: "agreed", Label: "주문자 고객과 협의여부", Type: CheckedRadio, Options: []Option{{AgreedYes, "협의 완료 (유선 통화)"}, {AgreedNo, "아직 협의하지 않음"}},
			Refusal: "주문 고객과 유선으로 먼저 협의해 주셔야 직권 처리가 가능합니다. 협의 후 다시 요청해 주세요."},
		{ID: "refund_account", Label: "환불계좌", Type: BankAccount, Optional: true, MaxLen: 100, Personal: true, Placeholder: "예: 국민은행 123456-78-901234 홍길동", Hint: "온라인 결제건에 한해 은행명, 계좌번호, 예금주를 입력해 주세요."},
		{ID: "manager", Label: "담당자명", Type: Text, MaxLen: 50},
		{ID: "detail", Label: "상세내용", Type: Multiline, MaxLen: 2000},
	},
	check: func(v Values, _ time.Time, errs map[string]string) {
		if _, bad := errs["deduct_amount"]; !bad { // keep the amount's own error
			switch {
			case v["deduct"] == DeductYes && v["deduct_amount"] == "":
				errs["deduct_amount"] = "배송비를 차감하는 경우 차감금액을 입력해 주세요."
			case v["deduct"] == DeductNo && v["deduct_amount"] != "":
				errs["deduct_amount"] = "미차감을 선택하셨습니다. 차감금액을 비워 주세요."
			}
		}
	},
	render: func(f *Form, v Values) []Line {
		product := v["product"]
		if v["option"] != "" {
			product += " / 옵션: " + v["option"]
		} else {
			product += " / 옵션 없음"
		}
		product += " / 수량: " + v["quantity"] + "개"
		deduct, _ := f.Field("deduct")
		deductText := deduct.OptionLabel(v["deduct"])
		if v["deduct"] == DeductYes {
			deductText += " (차감금액 " + v["deduct_amount"] + ")"
		}
		refund, _ := f.Field("refund")
		agreed, _ := f.Field("agreed")
		account := v["refund_account"]
		if account == "" {
			account = "해당 없음"
		}
		return []Line{
			{Label: "주문번호", Value: v["order_no"]},
			{Label: "주문자명", Value: v["buyer"]},
			{Label: "상품명(옵션,수량 기재 必)", Value: product},
			{Label: "취소사유", Value: v["reason"]},
			{Label: "배송비차감여부(차감진행시 차감금액도 기재)", Value: deductText},
			{Label: "환불진행 여부(입고되어 환불진행이 가능한 경우 기재 必)", Value: refund.OptionLabel(v["refund"])},
			{Label: "주문자 고객과 협의여부", Value: agreed.OptionLabel(v["agreed"])},
			{Label: "환불계좌(온라인 결제건에 한함)", Value: account, Personal: true},
			{Label: "담당자명", Value: v["manager"]},
			{Label: "상세내용", Value: v["detail"]},
		}
	},
}

var taxForm = &Form{
	Kind:    TaxStatus,
	Command: "/tax-status",
	Title:   "과세여부 정보변경",
	Name:    "과세여부 정보변경",
	Intro: "과세여부 정보변경은 필요 서류를 고객센터로 보내고 연락해 주셔야 처리됩니다.\n" +
		"• 필요 서류: ① 최근 3개월 이내 발급한 사업자 등록증 또는 사업자등록증명원 ② 최근 3개월 이내 발급한 통신판매업신고증\n" +
		"• 제출: 이메일 " + MailTax + " 또는 인터파크 판매자 전용 FAX " + TaxFax + "\n" +
		"• 팩스로 보내신 경우 고객센터로 연락하여 \"발신 팩스번호\"를 전달하지 않으면 처리되지 않습니다.",
	Heading:     "◆ 과세여부 정보변경 요청 ◆",
	MailTo:      MailTax,
	Destination: "고객센터 이메일(" + MailTax + ") 또는 판매자 전용 FAX(" + TaxFax + ")",
	Expected: func(Values) string {
		return "서류가 고객센터에 도착하고 확인되면 처리되며, 진행 상황은 이 DM으로 알려 드립니다."
	},
	NextSteps: func(v Values) string {
		docs := "사업자 등록증(또는 사업자등록증명원)과 통신판매업신고증(모두 최근 3개월 이내 발급)을 "
		if v["method"] == ByFax {
			return docs + "인터파크 판매자 전용 FAX *" + TaxFax + "* 로 보내 주세요.\n" +
				"⚠️ 팩스 발신 후 판매자 고객센터(" + SellerCenter + ")로 전화하여 발신 팩스번호(" + v["fax"] + ")를 꼭 알려 주세요. 전달하지 않으면 처리되지 않습니다."
		}
		return docs + "이메일 *" + MailTax + "* 로 보내 주세요. 메일 제목이나 본문에 업체ID(" + v["seller_id"] + ")를 적어 주시면 빨리 찾을 수 있습니다."
	},
	Fields: []Field{
		{ID: "company", Label: "업체명", Type: Text, MaxLen: 100},
		{ID: "seller_id", Label: "업체ID", Type: SellerID, MaxLen: 30, Hint: "인터파크 판매자 로그인 ID"},
		{ID: "current_tax", Label: "현재 과세구분", Type: Select, Options: taxTypes},
		{ID: "new_tax", Label: "변경할 과세구분", Type: Select, Options: taxTypes},
		{ID: "reg_date", Label: "사업자등록증(또는 사업자등록증명원) 발급일", Type: RecentDate, Hint: "최근 3개월 이내 발급한 서류만 인정됩니다."},
		{ID: "mailorder_date", Label: "통신판매업신고증 발급일", Type: RecentDate, Hint: "최근 3개월 이내 발급한 서류만 인정됩니다."},
		{ID: "method", Label: "제출 방법", Type: Select, Options: []Option{{ByEmail, "이메일 (" + MailTax + ")"}, {ByFax, "팩스 (" + TaxFax + ")"}}},
		{ID: "fax", Label: "발신 팩스번호", Type: Phone, Optional: true, Personal: true, Placeholder: "예: 02-1234-5678", Hint: "팩스로 보내는 경우 필수입니다."},
		{ID: "manager", Label: "담당자명", Type: Text, MaxLen: 50},
		{ID: "phone", Label: "연락처", Type: Phone, Personal: true, Placeholder: "예: 010-1234-5678"},
	},
	check: func(v Values, _ time.Time, errs map[string]string) {
		if v["current_tax"] != "" && v["current_tax"] == v["new_tax"] {
			errs["new_tax"] = "현재 과세구분과 다른 구분을 선택해 주세요."
		}
		if v["method"] == ByFax && v["fax"] == "" {
			if _, bad := errs["fax"]; !bad {
				errs["fax"] = "팩스로 제출하시는 경우 발신 팩스번호를 입력해 주세요."
			}
		}
	},
	render: defaultLines,
}

var apiForm = &Form{
	Kind:    APIKey,
	Command: "/api-key",
	Title:   "API 인증키 신청",
	Name:    "API 사용", // as the seed calls it ("API 사용 신청"); messages add 요청
	Intro: "API 인증키 발급·주문 API·호출수 증량 신청은 이메일(" + MailAPI + ")로만 접수됩니다. 이 양식을 작성하시면 접수양식대로 정리해 전달합니다.\n" +
		"• 먼저 https://shop.interpark.com/openapi/site/APIKeyGuide.jsp 에서 'API 인증키 관리 > 일반업체 > 발급받기'로 업체·이용용도를 선택하고 약관에 동의해 인증키를 신청해 주세요.\n" +
		"• *업체번호, 공급계약일련번호*는 판매자 매니저 왼쪽 > 판매자 정보관리 > 관리계정(ID)관리 에서 확인할 수 있습니다.\n" +
		"• 주문 API는 연동서버 IP의 방화벽 오픈이 필요합니다. 자체개발업체와 셀링툴사 모두 인터파크 판매자 가입이 필요합니다.",
	Heading:     "◆ 접수양식 ◆",
	MailTo:      MailAPI,
	Destination: "API 사용 신청 메일(" + MailAPI + ")",
	Expected: func(v Values) string {
		s := "담당부서에서 확인하여 회신드리기까지 2~3 영업일이 걸립니다."
		if v["type"] == APIOrder {
			s += " 주문 API는 개발팀의 별도 작업이 필요하여 시일이 다소 걸릴 수 있으며, 방화벽 오픈과 제휴 ID 발급이 끝나면 메일로 안내됩니다."
		}
		return s
	},
	Fields: []Field{
		{ID: "type", Label: "신청 유형", Type: Select, Dispatch: true, Options: []Option{{APIProduct, "상품 API 인증키"}, {APIOrder, "주문 API"}, {APIQuota, "호출수 증량"}}},
		{ID: "company", Label: "업체명", Type: Text, MaxLen: 100},
		{ID: "company_no", Label: "업체번호", Type: Digits, MinLen: 1, MaxLen: 20, Hint: "판매자 정보관리 > 관리계정(ID)관리 에서 확인"},
		{ID: "contract_no", Label: "공급계약일련번호", Type: Digits, MinLen: 1, MaxLen: 20, Hint: "판매자 정보관리 > 관리계정(ID)관리 에서 확인"},
		{ID: "seller_id", Label: "업체ID", Type: SellerID, MaxLen: 30, Hint: "인터파크 판매자 로그인 ID"},
		{ID: "manager", Label: "담당자명", Type: Text, MaxLen: 50},
		{ID: "email", Label: "담당자이메일", Type: Email, MaxLen: 254},
		{ID: "solution", Label: "솔루션명", Type: Text, MaxLen: 100, Hint: "사용하는 API 프로그램 이름 (자체개발이면 '자체개발')"},
		{ID: "sales_url", Label: "판매링크 URL", Type: URL, MaxLen: 500, Placeholder: "https://"},
		{ID: "ips", Label: "연동서버 IP", Type: IPv4List, MaxLen: 1000, When: &Condition{"type", []string{APIOrder}}, Placeholder: "예: 203.0.113.10", Hint: "주문 API 신청 시 필수. 공인 IPv4 주소를 한 줄에 하나씩 입력해 주세요."},
		{ID: "quota", Label: "호출수 증량 (메뉴명 또는 인증키 : 수량)", Type: QuotaList, MaxLen: 2000, When: &Condition{"type", []string{APIQuota}}, Placeholder: "예: 주문조회 : 10000", Hint: "호출수 증량 신청 시 필수. 메뉴명 또는 인증키와 수량을 한 줄에 하나씩 입력해 주세요."},
	},
	render: func(f *Form, v Values) []Line {
		typ, _ := f.Field("type")
		lines := []Line{
			{Label: "신청 유형", Value: typ.OptionLabel(v["type"])},
			{Label: "1) 업체번호", Value: v["company_no"]},
			{Label: "2) 공급계약일련번호", Value: v["contract_no"]},
			{Label: "3) 업체명", Value: v["company"]},
			{Label: "4) 업체ID(인터파크)", Value: v["seller_id"]},
			{Label: "5) 담당자명", Value: v["manager"]},
			{Label: "6) 담당자이메일", Value: v["email"]},
			{Label: "7) 솔루션명(API프로그램)", Value: v["solution"]},
			{Label: "8) 판매링크 URL", Value: v["sales_url"]},
		}
		switch v["type"] {
		case APIOrder:
			lines = append(lines, Line{Label: "9) 연동서버 IP", Value: v["ips"]})
		case APIQuota:
			lines = append(lines, Line{Label: "9) 호출수 증량 메뉴명 또는 인증키 / 수량", Value: v["quota"]})
		}
		return lines
	},
}

// Subject is the e-mail subject for a filed request.
func (f *Form) Subject(id string, v Values) string {
	who := v["company"]
	if who == "" {
		who = v["buyer"]
	}
	s := fmt.Sprintf("[%s] %s 요청", id, f.Name)
	if who != "" {
		s += " - " + who
	}
	return s
}

package demo

import (
	"errors"
	"fmt"
	"io"
	"math/rand"
	"time"

	"dinh/internal/pdfdoc"

	"codeberg.org/go-pdf/fpdf"
)

// PDFSpec describes a generated meeting document.
type PDFSpec struct {
	// Title is the big heading on page 1 and the running header of every page,
	// for example "Tờ trình về dự toán ngân sách xã năm 2027".
	Title string
	// Subtitle names the issuing body, for example "Ủy ban nhân dân xã Tân Trào".
	Subtitle string
	// Pages is the exact number of pages to produce; it must be at least 1.
	Pages int
	// Seed picks the body text. The same spec always yields the same bytes.
	Seed int64
	// Password, when not empty, encrypts the document so that a reader needs
	// it to open the file.
	Password string
}

// fixedDate is written as the creation and modification date so that output
// does not depend on the clock.
var fixedDate = time.Date(2026, time.January, 5, 8, 0, 0, 0, time.UTC)

// sentences is the pool of body text. Some phrases ("ngân sách", "đầu tư",
// "giáo dục") recur on purpose so that search always has hits.
var sentences = []string{
	"Căn cứ Luật Tổ chức chính quyền địa phương, Ủy ban nhân dân xã trình Hội đồng nhân dân xem xét, quyết định.",
	"Tổng thu ngân sách nhà nước trên địa bàn xã ước đạt 105% so với dự toán được giao.",
	"Chi đầu tư phát triển tập trung cho giao thông nông thôn, thủy lợi nội đồng và trường học.",
	"Nguồn kinh phí sự nghiệp giáo dục được bố trí đủ để chi trả lương và các khoản phụ cấp cho giáo viên.",
	"Đề nghị các đại biểu thảo luận, cho ý kiến về phương án phân bổ ngân sách năm tới.",
	"Việc quản lý, sử dụng đất đai trên địa bàn cơ bản đúng quy định của pháp luật.",
	"Công tác cải cách hành chính được đẩy mạnh, tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 98%.",
	"Xã tiếp tục huy động nguồn lực xã hội hóa để đầu tư xây dựng nhà văn hóa thôn.",
	"Trường mầm non và trường tiểu học được sửa chữa, nâng cấp phục vụ năm học mới, bảo đảm chất lượng giáo dục.",
	"Dự toán chi thường xuyên được xây dựng trên cơ sở định mức phân bổ của tỉnh.",
	"Ban Tài chính xã phối hợp với Kho bạc Nhà nước kiểm soát chặt chẽ các khoản chi ngân sách.",
	"Tình hình an ninh chính trị, trật tự an toàn xã hội được giữ vững, ổn định.",
	"Chương trình mục tiêu quốc gia xây dựng nông thôn mới đạt được nhiều kết quả quan trọng.",
	"Đề nghị bổ sung vốn đầu tư công trung hạn cho tuyến đường liên thôn Đồng Tâm – Khuổi Nhự.",
	"Công tác phòng, chống thiên tai được chủ động triển khai trước mùa mưa lũ.",
	"Tỷ lệ hộ nghèo giảm còn 3,2%, vượt chỉ tiêu Nghị quyết Hội đồng nhân dân đề ra.",
	"Hoạt động khám chữa bệnh tại trạm y tế xã được duy trì thường xuyên, đáp ứng nhu cầu của nhân dân.",
	"Ủy ban nhân dân xã sẽ công khai dự toán ngân sách theo quy định tại Thông tư hướng dẫn của Bộ Tài chính.",
	"Kinh phí hỗ trợ học sinh có hoàn cảnh khó khăn được chi trả đầy đủ, kịp thời, góp phần nâng cao chất lượng giáo dục.",
	"Một số công trình đầu tư còn chậm tiến độ do vướng mắc trong công tác giải phóng mặt bằng.",
	"Đại biểu đề nghị làm rõ nguyên nhân hụt thu từ tiền sử dụng đất trong sáu tháng đầu năm.",
	"Thường trực Hội đồng nhân dân xã đã tổ chức tiếp xúc cử tri tại 12 thôn, bản.",
	"Ý kiến, kiến nghị của cử tri được tổng hợp đầy đủ và chuyển đến các cơ quan có thẩm quyền.",
	"Cần tăng cường kiểm tra, giám sát việc sử dụng ngân sách tại các đơn vị dự toán.",
	"Năm 2027, xã phấn đấu hoàn thành tiêu chí nông thôn mới nâng cao về giáo dục và y tế.",
	"Phần kinh phí tiết kiệm được sẽ ưu tiên đầu tư cho hệ thống chiếu sáng công cộng.",
	"Hội đồng nhân dân xã biểu quyết thông qua Nghị quyết với tỷ lệ tán thành 100%.",
	"Đề nghị Ủy ban nhân dân xã chỉ đạo quyết liệt công tác thu ngân sách những tháng cuối năm.",
}

// tableItems are the rows of the budget table drawn on every page.
var tableItems = []string{
	"Sự nghiệp giáo dục",
	"Đầu tư giao thông nông thôn",
	"Quản lý hành chính",
	"Y tế, dân số",
	"Văn hóa, thể thao",
	"Quốc phòng, an ninh",
	"Bảo đảm xã hội",
	"Dự phòng ngân sách",
}

// WritePDF writes a realistic Vietnamese council document described by s to w.
// Every page has a running header with the title and "Trang N/M", several
// paragraphs, a budget table and a coloured note box. The output is
// deterministic: the same spec always produces the same bytes.
func WritePDF(w io.Writer, s PDFSpec) error {
	if s.Pages < 1 {
		return fmt.Errorf("demo: pdf needs at least 1 page, got %d", s.Pages)
	}
	if s.Title == "" {
		return errors.New("demo: pdf needs a title")
	}

	f := pdfdoc.New(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"}, s.Title, fixedDate)
	f.SetAuthor(s.Subtitle, true)
	if s.Password != "" {
		// A fixed owner password keeps the output deterministic; fpdf would
		// otherwise draw a random one.
		f.SetProtection(fpdf.CnProtectPrint, s.Password, s.Password+"/owner")
	}
	f.SetMargins(20, 15, 20)
	f.SetAutoPageBreak(false, 0)

	rng := rand.New(rand.NewSource(s.Seed))
	const (
		pageW, pageH = 210.0, 297.0
		left, right  = 20.0, 20.0
		bodyW        = pageW - left - right
		bottom       = pageH - 20.0
	)

	for p := 1; p <= s.Pages; p++ {
		f.AddPage()
		header(f, s.Title, p, s.Pages, bodyW)
		y := 28.0
		if p == 1 {
			f.SetXY(left, y)
			f.SetFont("noto", "B", 11)
			f.SetTextColor(0, 0, 0)
			f.CellFormat(bodyW, 6, s.Subtitle, "", 1, "C", false, 0, "")
			f.SetFont("noto", "B", 17)
			f.SetTextColor(150, 20, 20)
			f.SetX(left)
			f.MultiCell(bodyW, 8, s.Title, "", "C", false)
			f.SetTextColor(0, 0, 0)
			y = f.GetY() + 4
		}

		// Paragraphs until roughly half of the page is used, then the table
		// and the note box, then more paragraphs while they fit.
		y = paragraphs(f, rng, y, 150, bodyW)
		y = table(f, rng, p, y+2, bodyW)
		y = noteBox(f, rng, y+4, bodyW)
		paragraphs(f, rng, y+3, bottom-4, bodyW)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("demo: build pdf: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("demo: write pdf: %w", err)
	}
	return nil
}

func header(f *fpdf.Fpdf, title string, page, pages int, bodyW float64) {
	f.SetFont("noto", "", 8.5)
	f.SetTextColor(90, 90, 90)
	f.SetXY(20, 10)
	f.CellFormat(bodyW-28, 5, title, "", 0, "L", false, 0, "")
	f.CellFormat(28, 5, fmt.Sprintf("Trang %d/%d", page, pages), "", 0, "R", false, 0, "")
	f.SetDrawColor(150, 20, 20)
	f.SetLineWidth(0.4)
	f.Line(20, 16.5, 20+bodyW, 16.5)
	f.SetTextColor(0, 0, 0)
}

// paragraphs writes paragraphs from y while the next one fits above limit and
// returns the y below the last one.
func paragraphs(f *fpdf.Fpdf, rng *rand.Rand, y, limit, bodyW float64) float64 {
	const lineH = 5.6
	f.SetFont("noto", "", 11)
	for {
		n := 2 + rng.Intn(3)
		text := ""
		for i := 0; i < n; i++ {
			if i > 0 {
				text += " "
			}
			text += sentences[rng.Intn(len(sentences))]
		}
		lines := len(f.SplitText(text, bodyW))
		if y+float64(lines)*lineH > limit {
			return y
		}
		f.SetXY(20, y)
		f.MultiCell(bodyW, lineH, text, "", "J", false)
		y = f.GetY() + 2
	}
}

// table draws a small budget table and returns the y below it.
func table(f *fpdf.Fpdf, rng *rand.Rand, page int, y, bodyW float64) float64 {
	f.SetXY(20, y)
	f.SetFont("noto", "B", 10)
	f.CellFormat(bodyW, 6, fmt.Sprintf("Bảng %d. Dự toán chi ngân sách (triệu đồng)", page), "", 1, "L", false, 0, "")
	cols := []float64{12, bodyW - 12 - 34 - 34, 34, 34}
	heads := []string{"TT", "Nội dung", "Dự toán", "Ước thực hiện"}
	f.SetFillColor(31, 78, 121)
	f.SetTextColor(255, 255, 255)
	f.SetDrawColor(120, 120, 120)
	f.SetLineWidth(0.2)
	f.SetX(20)
	for i, h := range heads {
		f.CellFormat(cols[i], 6.5, h, "1", 0, "C", true, 0, "")
	}
	f.Ln(-1)
	f.SetFont("noto", "", 10)
	f.SetTextColor(0, 0, 0)
	rows := 4
	start := rng.Intn(len(tableItems))
	for r := 0; r < rows; r++ {
		fill := r%2 == 1
		f.SetFillColor(232, 240, 248)
		plan := 200 + rng.Intn(4800)
		done := plan * (80 + rng.Intn(35)) / 100
		f.SetX(20)
		f.CellFormat(cols[0], 6, fmt.Sprint(r+1), "1", 0, "C", fill, 0, "")
		f.CellFormat(cols[1], 6, tableItems[(start+r)%len(tableItems)], "1", 0, "L", fill, 0, "")
		f.CellFormat(cols[2], 6, groupThousands(plan), "1", 0, "R", fill, 0, "")
		f.CellFormat(cols[3], 6, groupThousands(done), "1", 0, "R", fill, 0, "")
		f.Ln(-1)
	}
	return f.GetY()
}

// noteBox draws a coloured rounded box with one sentence and returns the y
// below it.
func noteBox(f *fpdf.Fpdf, rng *rand.Rand, y, bodyW float64) float64 {
	text := "Ghi chú: " + sentences[rng.Intn(len(sentences))]
	f.SetFont("noto", "", 10)
	lines := len(f.SplitText(text, bodyW-8))
	h := float64(lines)*5 + 5
	f.SetFillColor(255, 243, 205)
	f.SetDrawColor(224, 168, 0)
	f.SetLineWidth(0.5)
	f.RoundedRect(20, y, bodyW, h, 2.5, "1234", "FD")
	f.SetXY(24, y+2.5)
	f.SetTextColor(110, 70, 0)
	f.MultiCell(bodyW-8, 5, text, "", "L", false)
	f.SetTextColor(0, 0, 0)
	return y + h
}

// groupThousands formats n the Vietnamese way, with dots between thousands.
func groupThousands(n int) string {
	s := fmt.Sprint(n)
	out := ""
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out += "."
		}
		out += string(c)
	}
	return out
}

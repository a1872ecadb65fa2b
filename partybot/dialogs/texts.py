"""Every user-facing text, in Vietnamese, in one place.

Written with "Bác"; the engine swaps it for the configured form of address ("Đồng chí").
Keep each question short (under 300 characters), one question per message, plain words.
"""

# Navigation, present at every step.
NAV_BACK = "Quay lại"
NAV_CANCEL = "Hủy"
NAV_HELP = "Trợ giúp"
NAV_MENU = "Menu chính"
NAV_BACK_WORDS = ("quay lai", "tro lai", "lui lai", "lai", "back", "quay ve", "lui")
NAV_CANCEL_WORDS = ("huy", "huy bo", "thoi", "dung", "dung lai", "khong lam nua", "cancel", "bo")
NAV_HELP_WORDS = ("tro giup", "giup", "giup do", "huong dan", "help", "giup toi", "khong hieu")
NAV_MENU_WORDS = ("menu", "menu chinh", "ve menu", "trang chu", "ve dau", "bat dau lai", "start")
MORE = "Xem thêm"
MORE_WORDS = ("xem them", "them", "tiep", "trang sau", "con nua")
YES = "Đúng"
NO = "Không phải"
YES_WORDS = (
    "dung",
    "co",
    "vang",
    "da",
    "u",
    "uh",
    "ok",
    "dong y",
    "phai",
    "dung roi",
    "yes",
    "vang a",
)
NO_WORDS = ("khong", "ko", "k", "kg", "sai", "khong phai", "chua", "no", "khong dung")

NUMBER_HINT = "Bác bấm nút, gõ số thứ tự hoặc gõ chữ."
WORDS_HINT = "Bác có thể gõ: {words}."

# The engine's own messages.
NOT_UNDERSTOOD = "Xin lỗi, tôi chưa hiểu ý Bác."
EMPTY = "Bác chưa gõ gì ạ."
UNSUPPORTED = "Tôi chỉ đọc được chữ. Bác gõ câu trả lời bằng chữ giúp tôi nhé."
DID_YOU_MEAN = "Có phải Bác muốn chọn «{label}»?"
CANCELLED = "Đã hủy «{title}». Những gì Bác đã nhập không được gửi đi."
SUSPENDED = "Tôi đã lưu «{title}». Lúc nào Bác muốn làm tiếp, Bác chọn lại thủ tục đó."
RESUME_QUESTION = "Bác đang làm dở «{title}». Bác muốn làm tiếp hay làm lại từ đầu?"
RESUME_CONTINUE = "Làm tiếp"
RESUME_RESTART = "Làm lại từ đầu"
RESUME_CONTINUE_WORDS = ("tiep", "lam tiep", "tiep tuc", "tiep di")
RESUME_RESTART_WORDS = ("lam lai", "tu dau", "bat dau lai", "lam moi")
HELP_GENERAL = (
    "Tôi hỏi Bác từng câu một. Bác bấm nút, gõ số thứ tự hoặc gõ chữ. "
    "Gõ «Quay lại» để sửa câu trước, «Hủy» để dừng, «Menu chính» để về đầu."
)
HUMAN_OFFER = (
    "Có vẻ bước này hơi khó. Bác có muốn nhờ bí thư chi bộ giúp không? "
    "Tôi sẽ báo để đồng chí ấy liên hệ với Bác."
)
HUMAN_YES = "Nhờ người giúp"
HUMAN_YES_WORDS = ("nho", "nho nguoi", "nho giup", "gap nguoi", "gap bi thu", "co nho")
HUMAN_RETRY = "Tôi thử lại"
HUMAN_RETRY_WORDS = ("thu lai", "thu", "lai", "tu lam")
HUMAN_SENT = "Tôi đã báo đồng chí {name}. Đồng chí ấy sẽ liên hệ với Bác sớm."
HUMAN_NOBODY = "Hiện chưa có ai nhận việc hỗ trợ. Bác nhờ bí thư chi bộ hoặc người thân giúp nhé."
HUMAN_UNLINKED = (
    "Bác nhờ bí thư chi bộ hoặc tổ công nghệ cộng đồng ở phường giúp nhé. "
    "Họ sẽ gửi Bác mã kích hoạt."
)
TRY_AGAIN = "Vâng, Bác thử lại nhé."
ERROR = (
    "Xin lỗi, tôi gặp trục trặc. Bác gửi lại tin nhắn sau ít phút nhé. "
    "Những gì Bác đã nhập vẫn còn."
)
BUTTON_GONE = "Nút này không còn dùng được nữa."
BUTTON_NOT_YOURS = "Nút này không dành cho Bác."
ALREADY_HANDLED = "Yêu cầu này đã được xử lý."

# Validators.
BAD_PHONE = "Số điện thoại chưa đúng. Bác gõ 10 số, ví dụ 0912 345 678."
BAD_DATE = "Ngày chưa đúng. Bác gõ theo kiểu ngày/tháng/năm, ví dụ 15/03/2026."
BAD_AMOUNT = "Số tiền chưa đúng. Bác gõ số, ví dụ 7.000.000 hoặc 7 triệu."
AMOUNT_TOO_SMALL = "Số tiền phải lớn hơn 0."
AMOUNT_TOO_BIG = "Số tiền lớn quá, Bác xem lại giúp tôi."
TEXT_TOO_LONG = "Bác viết ngắn hơn giúp tôi, tối đa {limit} chữ cái."
TEXT_EMPTY = "Bác gõ vài chữ giúp tôi."

# Onboarding.
WELCOME = (
    "Chào Bác, tôi là Trợ lý Đảng viên, một chương trình tự động giúp Bác làm thủ tục "
    "của Đảng ngay trên điện thoại."
)
ASK_PHONE = "Để bắt đầu, Bác cho tôi số điện thoại Bác đã đăng ký với chi bộ."
ASK_PHONE_CONTACT = (
    "Để bắt đầu, Bác bấm nút «Chia sẻ số điện thoại» bên dưới, "
    "hoặc gõ số điện thoại Bác đã đăng ký với chi bộ."
)
SHARE_CONTACT = "Chia sẻ số điện thoại"
ASK_PHONE_HELP = (
    "Tôi cần số điện thoại để tìm Bác trong danh sách đảng viên của chi bộ. "
    "Gõ 10 số, ví dụ 0912 345 678."
)
PHONE_UNKNOWN = (
    "Số {phone} chưa có trong danh sách đảng viên. Bác nhờ bí thư chi bộ kiểm tra "
    "và cập nhật số điện thoại giúp, rồi nhắn lại cho tôi."
)
CONTACT_NOT_OWN = (
    "Đây không phải số của chính tài khoản này. Bác gõ số điện thoại của Bác, "
    "rồi nhập mã kích hoạt do bí thư chi bộ gửi."
)
ASK_CODE = "Bác gõ mã kích hoạt 6 số mà bí thư chi bộ đã gửi cho Bác."
ASK_CODE_HELP = (
    "Mã kích hoạt là 6 số do bí thư chi bộ cấp, dùng một lần, hết hạn sau 3 ngày. "
    "Nếu chưa có, Bác nhờ bí thư cấp mã."
)
BAD_CODE_SHAPE = "Mã kích hoạt gồm 6 số. Bác gõ lại giúp tôi."
CODE_WRONG = "Mã chưa đúng. Bác còn {left} lần thử."
CODE_LOCKED = "Mã này đã bị khóa vì nhập sai nhiều lần. Bác xin bí thư chi bộ cấp mã mới nhé."
CODE_NONE = (
    "Bác chưa có mã kích hoạt còn hạn. Bác xin bí thư chi bộ cấp mã rồi gõ lại số điện thoại."
)
TOKEN_UNKNOWN = "Mã mời này không đúng hoặc đã hết hạn. Bác xin bí thư chi bộ mã mới nhé."
LINKED = "Xong rồi ạ! Tôi đã nhận ra Bác: {name}, {cell}."

# Main menu.
MENU_QUESTION = "Bác cần làm gì ạ?"
MENU_NEXT = "Bác cần làm gì tiếp ạ?"
MENU_HELP = (
    "Đây là các việc tôi giúp được. Bác bấm nút hoặc gõ số thứ tự. "
    "Lúc nào cũng có thể gõ «Menu chính» để về đây."
)
MENU_EMPTY = "Hiện chưa có thủ tục nào cho Bác."

# My details.
PROFILE_TITLE = "Thông tin của tôi"
PROFILE = (
    "Họ tên: {name}\n"
    "Số thẻ đảng viên: {card}\n"
    "Chi bộ sinh hoạt: {cell}\n"
    "Chi bộ nơi cư trú: {residence}\n"
    "Điện thoại: {phone}\n"
    "Nếu có gì chưa đúng, Bác báo bí thư chi bộ để sửa."
)
NONE_VALUE = "(chưa có)"

# Secretary: invite codes.
INVITE_TITLE = "Cấp mã kích hoạt"
INVITE_ASK_PHONE = "Đồng chí gõ số điện thoại của đảng viên cần cấp mã."
INVITE_NOT_FOUND = "Không có đảng viên nào với số {phone}."
INVITE_NOT_YOURS = "Đảng viên {name} không thuộc chi bộ đồng chí phụ trách."
INVITE_DONE = (
    "Mã kích hoạt của {name}: {code} (dùng một lần, hết hạn {expires}).\n"
    "Đồng chí đọc mã cho đảng viên. Hoặc gửi đường dẫn/mã mời: {token}"
)

# Help requests reaching a secretary.
HELP_REQUEST_NOTICE = (
    "Đảng viên {name} ({phone}) cần giúp ở bước «{step}» của «{title}». "
    "Lần gõ cuối: «{typed}». Đồng chí liên hệ giúp nhé."
)

# Approvals inbox ("Việc cần duyệt"), shared by every procedure.
APPROVALS_TITLE = "Việc cần duyệt"
APPROVALS_NONE = "Hiện không có việc nào chờ đồng chí duyệt."
APPROVALS_PICK = "Có {count} việc chờ đồng chí. Đồng chí chọn việc muốn xem."
APPROVALS_GONE = "Việc này đã được xử lý hoặc không còn thuộc quyền của đồng chí."
APPROVAL_HINT = "(Hoặc vào mục «Việc cần duyệt» trong menu.)"
APPROVAL_REMINDER = "Nhắc việc: yêu cầu này đã chờ đồng chí hơn một ngày."
APPROVAL_ESCALATED = (
    "Việc «{title}» ở {org} đã chờ từ {since} mà chưa được xử lý. "
    "Người được giao: {approvers}. Đề nghị văn phòng đảng ủy đôn đốc."
)
NOBODY = "chưa có ai"

# --- dues ---
DUES_TITLE = "Nộp đảng phí"
DUES_SYNONYMS = (
    "dong dang phi",
    "nop dang phi",
    "dang phi",
    "dong tien dang",
    "nop tien dang",
    "dong tien dang phi",
    "nop tien dang phi",
    "tien dang phi",
    "dong phi",
)
DUES_HELP = (
    "Đảng phí đóng hằng tháng. Bác có thể chuyển khoản bằng mã QR tôi gửi, "
    "hoặc nộp tiền mặt cho thủ quỹ chi bộ như trước: cách nào cũng được."
)
DUES_RATE = "Mức đảng phí của Bác: {amount}/tháng."
DUES_OWED_ONE = "Bác còn tháng {months} chưa nộp: {total}."
DUES_OWED_MANY = "Bác còn {count} tháng chưa nộp ({months}), tổng {total}."
DUES_PAID_UP = "Bác đã nộp đủ đến tháng {month}. Cảm ơn Bác!"
DUES_NOTHING_DUE = "Tháng này Bác chưa phải nộp gì."
DUES_EXEMPT = "Bác được miễn đảng phí tháng này ({reason})."
DUES_EXEMPT_REASONS = {
    "party_age": "đủ 50 năm tuổi Đảng",
    "category": "hưởng trợ cấp hưu trí xã hội",
    "decision": "theo quyết định của chi bộ",
}
DUES_UNKNOWN = "Chi bộ chưa có đủ thông tin để tính đảng phí của Bác ({reason})."
DUES_UNKNOWN_REASONS = {
    "no_category": "chưa ghi Bác thuộc đối tượng nào",
    "no_base": "chưa có mức lương hoặc lương hưu làm căn cứ",
    "no_region": "chưa ghi vùng lương tối thiểu của chi bộ",
    "no_wage": "chưa có mức lương tối thiểu vùng",
    "no_birth_date": "chưa có ngày sinh",
    "no_rule": "chưa có quy định cho tháng này",
    "no_rate": "chưa có mức cho đối tượng này",
    "out_of_range": "mức ấn định nằm ngoài khung cho phép",
}
DUES_CLAIMED = "Bác đã báo chuyển khoản {amount}; chi bộ đang kiểm tra."
DUES_OPEN_INTENT = "Bác có mã chuyển khoản {amount} chưa báo đã chuyển."
DUES_CASH_LINE = "Bác cũng có thể nộp tiền mặt cho chi bộ như trước."
DUES_HOW = "Bác muốn nộp thế nào?"
DUES_PAY_ONE = "Nộp tháng {month} ({amount})"
DUES_PAY_ALL = "Nộp cả {count} tháng ({amount})"
DUES_PAY_AHEAD = "Nộp trước vài tháng"
DUES_CLAIM_OPTION = "Tôi đã chuyển khoản"
DUES_OTHER = "Việc khác về đảng phí"
DUES_REPORT_BASE = "Báo mức lương, lương hưu"
DUES_ASK_AHEAD = "Bác muốn nộp trước mấy tháng? Bác gõ một số từ 1 đến {limit}."
DUES_ASK_AHEAD_OWED = (
    "Ngoài {owed} tháng còn nợ, Bác muốn nộp trước thêm mấy tháng? Bác gõ một số từ 1 đến {limit}."
)
DUES_AHEAD_NONE = "Bác đã nộp trước đủ {limit} tháng, mức tối đa cho phép. Cảm ơn Bác!"
DUES_BAD_COUNT = "Bác gõ một số từ 1 đến {limit} giúp tôi, ví dụ 3."
DUES_CONFIRM = (
    "Bác nộp đảng phí tháng {months}: tổng {amount}. Tôi tạo mã QR để Bác chuyển khoản nhé?"
)
DUES_CONFIRM_CASH_ONLY = (
    "Bác nộp đảng phí tháng {months}: tổng {amount}. Chi bộ chưa có tài khoản ngân hàng, "
    "Bác nộp tiền mặt cho thủ quỹ giúp tôi."
)
DUES_QR_YES = "Đồng ý, tạo mã QR"
DUES_QR_YES_WORDS = (*YES_WORDS, "tao ma", "qr", "ma qr", "tao ma qr")
DUES_CASH = "Nộp tiền mặt"
DUES_CASH_WORDS = ("tien mat", "nop tay", "dua tien", "nop truc tiep")
DUES_CHOOSE_AGAIN = "Chọn lại"
DUES_QR = (
    "Bác mở ứng dụng ngân hàng và quét mã QR này; số tiền và nội dung đã điền sẵn.\n"
    "Nếu gõ tay, Bác nhập:\n"
    "Ngân hàng: {bank}\n"
    "Số tài khoản: {account}\n"
    "Chủ tài khoản: {holder}\n"
    "Số tiền: {amount}\n"
    "Nội dung: {memo}"
)
DUES_AFTER_QR = "Chuyển khoản xong, Bác chọn «Tôi đã chuyển khoản» để tôi báo chi bộ."
DUES_LATER = "Để sau"
DUES_CLAIM_SENT = (
    "Tôi đã báo chi bộ. Khi thấy tiền vào tài khoản, chi bộ sẽ xác nhận và gửi biên lai cho Bác."
)
DUES_ALREADY_PAID = "Chi bộ đã nhận được tiền của Bác. Biên lai đã gửi cho Bác. Cảm ơn Bác!"
DUES_LATER_DONE = (
    "Vâng. Mã QR vẫn dùng được. Chuyển xong, Bác vào «Nộp đảng phí» và chọn «Tôi đã chuyển khoản»."
)
DUES_CASH_DONE = (
    "Vâng. Bác đưa {amount} cho đồng chí {treasurer} (thủ quỹ chi bộ). "
    "Khi thủ quỹ ghi nhận, Bác sẽ nhận biên lai ở đây."
)
DUES_TREASURER_UNKNOWN = "thủ quỹ"
DUES_OTHER_ASK = "Bác cần gì về đảng phí?"
DUES_HISTORY = "Lịch sử và biên lai"
DUES_BASE_CHANGE = "Báo thay đổi thu nhập"
DUES_EXEMPTION = "Xin miễn, giảm đảng phí"
DUES_EXPLAIN_OPTION = "Cách tính mức đảng phí"
DUES_HISTORY_NONE = "Bác chưa có lần nộp nào được ghi nhận qua đây."
DUES_HISTORY_ASK = "Các lần nộp gần đây. Bác chọn một lần để nhận lại biên lai."
DUES_HISTORY_ITEM = "{date}: {amount} (tháng {months})"
DUES_RECEIPT_AGAIN = "Biên lai số {number} đây ạ."
DUES_BASE_ASK = (
    "Mức căn cứ chi bộ đang ghi: {base}. Bác gõ mức mới ({what}), ví dụ 7.500.000 hoặc 7,5 triệu."
)
DUES_BASE_NONE = "chưa có"
DUES_BASE_WHAT = {
    "salary": "tiền lương đóng bảo hiểm xã hội tháng trước",
    "benefit": "tiền trợ cấp ốm đau, thai sản",
    "pension": "lương hưu hằng tháng",
    "abroad_allowance": "sinh hoạt phí hằng tháng",
    "abroad_other": "mức đảng phí chi bộ ấn định",
}
DUES_BASE_NOT_NEEDED = (
    "Đảng phí của Bác không tính theo thu nhập nên Bác không cần báo. "
    "Nếu hoàn cảnh thay đổi, Bác báo bí thư chi bộ nhé."
)
DUES_BASE_PENDING = "Bác đã báo mức {base}; chi bộ đang xem. Khi có kết quả tôi sẽ báo Bác."
DUES_BASE_TOO_SMALL = "Số này nhỏ quá. Bác gõ đủ số tiền, ví dụ 7.000.000 hoặc 7 triệu."
DUES_BASE_TOO_BIG = "Số này lớn quá, Bác xem lại giúp tôi."
DUES_BASE_CONFIRM = (
    "Bác báo mức mới {base}. Đảng phí sẽ là {amount}/tháng từ tháng {month}, "
    "sau khi thủ quỹ chi bộ xác nhận. Gửi cho chi bộ nhé?"
)
DUES_SEND = "Gửi"
DUES_SEND_WORDS = (*YES_WORDS, "gui", "gui di", "gui don")
DUES_FIX = "Sửa lại"
DUES_BASE_SENT = "Tôi đã gửi. Khi chi bộ xác nhận, tôi sẽ báo Bác."
DUES_EX_ALREADY = "Bác đang được miễn đảng phí ({reason}), không cần làm đơn."
DUES_EX_PENDING = "Bác đã gửi đơn; chi bộ đang xem xét. Khi có kết quả tôi sẽ báo Bác."
DUES_EX_KIND = "Bác xin miễn hẳn hay xin giảm? Chi bộ sẽ xem xét và quyết định."
DUES_EX_FULL = "Miễn toàn bộ"
DUES_EX_REDUCE = "Giảm {percent}%"
DUES_EX_REASON = "Lý do chính là gì ạ?"
DUES_EX_REASONS = {
    "poor": "Hộ nghèo, cận nghèo",
    "illness": "Ốm đau nặng",
    "hardship": "Khó khăn khác",
}
DUES_EX_MONTHS = "Bác xin trong mấy tháng? Bác gõ một số từ 1 đến {limit}."
DUES_EX_NOTE = "Bác kể ngắn gọn hoàn cảnh để chi bộ hiểu (hoặc gõ «không» để bỏ qua)."
DUES_EX_NOTE_SKIP = ("khong", "ko", "k", "bo qua", "thoi", "khong co")
DUES_EX_CONFIRM = (
    "Đơn của Bác: {kind}, {months} tháng từ tháng {first}, lý do: {reason}. "
    "Chỉ khi chi bộ quyết định, mức đảng phí mới thay đổi. Gửi đơn nhé?"
)
DUES_EX_SENT = "Tôi đã gửi đơn tới bí thư chi bộ. Khi chi bộ quyết định, tôi sẽ báo Bác."
DUES_EXPLAIN_BASE = "{percent}% của {what} {basis} = {exact}"
DUES_EXPLAIN_WAGE = "{percent}% lương tối thiểu vùng {region} ({basis}) = {exact}"
DUES_EXPLAIN_FIXED = "mức cố định {amount}"
DUES_EXPLAIN_DECLARED = "mức chi bộ ấn định {amount}"
DUES_EXPLAIN = "Theo {rule}: {how}."
DUES_EXPLAIN_REDUCED = "Chi bộ quyết định giảm {percent}%, còn {exact}."
DUES_EXPLAIN_ROUNDED = "Số lẻ dưới 1 đồng được làm tròn lên: {amount}."
DUES_EXPLAIN_UNCERTAIN = "(Số liệu căn cứ này chưa được đối chiếu văn bản gốc; chi bộ sẽ kiểm tra.)"
DUES_EXPLAIN_RESULT = "Mức của Bác tháng {month}: {amount}."
DUES_EXPLAIN_WHAT = {
    "salary": "tiền lương đóng BHXH tháng trước",
    "benefit": "trợ cấp ốm đau, thai sản",
    "pension": "lương hưu",
    "abroad_allowance": "sinh hoạt phí",
}
DUES_RULE_NAMES = {"QD01": "Quy định 01-QĐ/TW (từ tháng 02/2026)", "QD342": "Quyết định 342-QĐ/TW"}
DUES_RECEIPT_NOTICE = (
    "Chi bộ đã nhận {amount} đảng phí tháng {months} của Bác. Cảm ơn Bác! "
    "Biên lai số {number} gửi kèm."
)
DUES_RECEIPT_CREDIT = " Số dư {credit} sẽ tính cho các tháng sau."
DUES_REMINDER = (
    "Bác ơi, đảng phí tháng {months} của Bác chưa nộp ({amount}). Bác nộp khi thuận tiện nhé: "
    "vào «Nộp đảng phí» để lấy mã QR, hoặc nộp tiền mặt cho chi bộ."
)
DUES_REMINDER_BY = " (Đồng chí {by} nhờ tôi nhắc.)"
DUES_WARNING = (
    "Bác ơi, trong năm {year} Bác còn {count} tháng đảng phí chưa nộp ({months}). "
    "Bác nộp sớm giúp chi bộ nhé: vào «Nộp đảng phí», hoặc nộp tiền mặt cho chi bộ. "
    "Nếu đang khó khăn, Bác có thể xin chi bộ miễn, giảm."
)
DUES_WARNING_LIST = (
    "Các đảng viên {org} còn từ 2 tháng đảng phí chưa nộp trong năm {year}:\n{people}\n"
    "Đồng chí thăm hỏi, nhắc nhở giúp. Việc xem xét tiếp theo do chi bộ quyết định."
)
DUES_WARNING_PERSON = "• {name} ({phone}): tháng {months}"
DUES_CLAIM_REJECTED = (
    "Chi bộ chưa thấy khoản chuyển {amount} (nội dung {reference}) của Bác. "
    "Bác xem lại giúp, hoặc hỏi đồng chí {by}."
)
DUES_BASE_APPROVED = (
    "Chi bộ đã xác nhận mức căn cứ mới {base}. Đảng phí từ tháng {month}: {amount}/tháng."
)
DUES_BASE_DECLINED = "Chi bộ chưa xác nhận mức {base} Bác báo. Bác hỏi đồng chí {by} giúp nhé."
DUES_EX_APPROVED = "Chi bộ đã đồng ý: {kind} đảng phí từ tháng {first} đến tháng {last}."
DUES_EX_DECLINED = (
    "Chi bộ chưa đồng ý đơn {kind} đảng phí của Bác. Bác trao đổi thêm với đồng chí {by} nhé."
)

# Treasurer / secretary: "Tình hình đảng phí".
DUES_CELL_TITLE = "Tình hình đảng phí"
DUES_CELL_SYNONYMS = ("tinh hinh dang phi", "thu dang phi", "so thu", "ai chua nop", "so dang phi")
DUES_CELL_PICK = "Đồng chí muốn xem chi bộ nào?"
DUES_CELL_NONE = "Đồng chí chưa phụ trách thu đảng phí ở chi bộ nào."
DUES_CELL_OVERVIEW = (
    "{org}, tháng {month}:\n"
    "• Đã nộp: {paid} người, {paid_amount}\n"
    "• Chưa nộp: {unpaid} người, còn {unpaid_amount}\n"
    "• Miễn: {exempt} người"
)
DUES_CELL_UNPRICED = "• Chưa tính được mức: {count} người ({names})"
DUES_CELL_WHAT = "Đồng chí muốn làm gì?"
DUES_CELL_UNPAID = "Danh sách chưa nộp ({count})"
DUES_CELL_COLLECT = "Ghi nhận tiền đã thu"
DUES_CELL_CLAIMS = "Xác nhận chuyển khoản ({count})"
DUES_CELL_TRANSFERS = "Chuyển khoản chưa khớp ({count})"
DUES_CELL_DEBTOR = "{index}. {name}, {phone}: {count} tháng ({months}), {amount}"
DUES_CELL_MORE = "… và {count} người khác."
DUES_CELL_REMIND_ALL = "Nhắc tất cả"
DUES_CELL_REMIND_ONE = "Nhắc một người"
DUES_CELL_REMIND_WHO = "Đồng chí muốn nhắc ai?"
DUES_CELL_REMINDED = "Đã gửi lời nhắc nhẹ nhàng tới {count} đảng viên."
DUES_CELL_REMINDED_NONE = "Hôm nay mọi người đã được nhắc rồi, không gửi thêm."
DUES_CELL_WHO = (
    "Đồng chí gõ tên hoặc số điện thoại của đảng viên đã nộp, hoặc chọn trong danh sách."
)
DUES_CELL_NOT_FOUND = (
    "Không thấy đảng viên «{text}» trong chi bộ. Đồng chí gõ lại tên hoặc số điện thoại."
)
DUES_CELL_MANY_FOUND = "Có {count} người như vậy. Đồng chí gõ thêm họ tên hoặc số điện thoại."
DUES_CELL_NOT_YOURS = "Đảng viên {name} không thuộc chi bộ đồng chí phụ trách thu đảng phí."
DUES_CELL_MONTHS = (
    "{name} còn nợ {count} tháng ({months}), tổng {amount}. Đồng chí ghi nhận mấy tháng?"
)
DUES_CELL_MONTHS_NONE = "{name} đã nộp đủ đến tháng {month}. Đồng chí ghi nhận nộp trước mấy tháng?"
DUES_CELL_ALL = "Cả {count} tháng ({amount})"
DUES_CELL_ONE = "1 tháng: {month} ({amount})"
DUES_CELL_OTHER_COUNT = "Số tháng khác"
DUES_CELL_COUNT = "Đồng chí gõ số tháng, từ 1 đến {limit}."
DUES_CELL_NOTHING = "{name} không phải nộp thêm tháng nào lúc này."
DUES_CELL_METHOD = "Đảng viên nộp bằng cách nào?"
DUES_CELL_CONFIRM = "Ghi nhận {name} nộp {amount} (tháng {months}), {method}. Đúng không ạ?"
DUES_CELL_YES = "Đúng, ghi nhận"
DUES_CELL_YES_WORDS = (*YES_WORDS, "ghi nhan", "ghi di")
DUES_CELL_DONE = "Đã ghi nhận. Biên lai số {number} đã gửi cho {name}."
DUES_CELL_CLAIM_PICK = "Các báo chuyển khoản chờ xác nhận. Đồng chí chọn một khoản."
DUES_CELL_CLAIM_ITEM = "{name}: {amount} ({date})"
DUES_CELL_CLAIM_GONE = "Khoản này đã được xử lý."
DUES_CELL_TRANSFER_PICK = "Các khoản chuyển vào tài khoản chưa khớp. Đồng chí chọn một khoản."
DUES_CELL_TRANSFER_ITEM = "{amount} ngày {date}: «{memo}»"
DUES_METHOD_NAMES = {"cash": "tiền mặt", "transfer": "chuyển khoản"}
DUES_METHOD_CASH = "Tiền mặt"
DUES_METHOD_TRANSFER = "Chuyển khoản"

# Approvals for dues.
DUES_CLAIM_TITLE = "Báo chuyển khoản: {name}, {amount}"
DUES_CLAIM_DETAIL = (
    "Đảng viên {name} ({phone}) báo đã chuyển khoản {amount} đảng phí tháng {months}, "
    "nội dung «{reference}». Đồng chí kiểm tra tài khoản chi bộ giúp."
)
DUES_CLAIM_RECEIVED = "Đã nhận tiền"
DUES_CLAIM_NOT_RECEIVED = "Chưa thấy tiền"
DUES_CLAIM_CONFIRMED = "Đã ghi nhận {amount} của {name}. Biên lai số {number} đã gửi."
DUES_CLAIM_DECLINED_DONE = "Đã báo {name} là chi bộ chưa thấy khoản chuyển."
DUES_BASE_TITLE = "Báo mức căn cứ mới: {name}"
DUES_BASE_DETAIL = (
    "Đảng viên {name} ({phone}) báo mức căn cứ đảng phí mới: {base} (trước: {old_base}). "
    "Mức đảng phí sẽ là {amount}/tháng từ tháng {month}. Đồng chí xác nhận giúp."
)
DUES_APPROVE = "Xác nhận"
DUES_DECLINE = "Không đúng"
DUES_DECIDED = "Đã ghi quyết định và báo cho {name}."
DUES_EX_TITLE = "Đơn xin {kind} đảng phí: {name}"
DUES_EX_DETAIL = (
    "Đảng viên {name} ({phone}) xin {kind} đảng phí {months} tháng (từ {first} đến {last}). "
    "Lý do: {reason}. {note}Chi bộ xem xét và quyết định."
)
DUES_EX_AGREE = "Đồng ý"
DUES_EX_DISAGREE = "Không đồng ý"
DUES_EX_KIND_FULL = "miễn"
DUES_EX_KIND_REDUCE = "giảm {percent}%"
DUES_NOT_ALLOWED = "Việc này không thuộc quyền của đồng chí."
DUES_TRANSFER_TITLE = "Chuyển khoản chưa khớp: {amount}"
DUES_TRANSFER_DETAIL = (
    "Tài khoản chi bộ nhận {amount} lúc {date}, nội dung «{memo}». Chưa tự ghi được vì: {reason}."
)
DUES_TRANSFER_REASONS = {
    "unknown_account": "không biết tài khoản này của chi bộ nào",
    "no_reference": "nội dung không có mã thanh toán",
    "unknown_reference": "mã thanh toán không có trong hệ thống",
    "amount_mismatch": "số tiền khác số cần nộp",
    "already_paid": "mã này đã được thanh toán trước đó",
    "wrong_account": "chuyển nhầm vào tài khoản của chi bộ khác",
}
DUES_TRANSFER_EXPECTED = " Mã này của {name}, cần nộp {expected}."
DUES_TRANSFER_RESOLVE = "Xử lý"
DUES_TRANSFER_FOR = "Ghi cho {name}"
DUES_TRANSFER_OTHER = "Ghi cho đảng viên khác"
DUES_TRANSFER_IGNORE = "Không phải đảng phí"
DUES_TRANSFER_CONFIRM = "Ghi {amount} cho {name}: trừ vào tháng {months}. Đúng không ạ?"
DUES_TRANSFER_CREDIT = " Còn dư {credit} tính cho các tháng sau."
DUES_TRANSFER_IGNORE_CONFIRM = (
    "Đánh dấu khoản {amount} này không phải đảng phí? Khoản này vẫn được lưu lại."
)
DUES_TRANSFER_IGNORED = "Đã đánh dấu khoản này không phải đảng phí."
DUES_TRANSFER_DONE = "Đã ghi cho {name}. Biên lai số {number} đã gửi."
DUES_TRANSFER_GONE = "Khoản này đã được xử lý."
DUES_YES = "Đúng"
DUES_NO = "Không"

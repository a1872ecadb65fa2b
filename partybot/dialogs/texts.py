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
# Not "dung" alone: "đúng" (yes) folds to it; "dừng" still matches "dung lai" closely enough.
NAV_CANCEL_WORDS = ("huy", "huy bo", "thoi", "dung lai", "khong lam nua", "cancel", "bo")
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
HUMAN_SENT = "Tôi đã báo đồng chí {name}. Đồng chí ấy sẽ trả lời Bác ở đây hoặc gọi điện."
HUMAN_NOBODY = "Hiện chưa có ai nhận việc hỗ trợ. Bác nhờ bí thư chi bộ hoặc người thân giúp nhé."
HUMAN_UNLINKED = (
    "Bác nhờ bí thư chi bộ hoặc tổ công nghệ cộng đồng ở phường giúp nhé. "
    "Họ sẽ gửi Bác mã kích hoạt."
)
TRY_AGAIN = "Vâng, Bác thử lại nhé."
GREETING = "Chào Bác ạ!"
THANKS = "Dạ, không có gì ạ. Bác cần gì cứ nhắn tôi."
ENGLISH_ONLY = (
    "Sorry, I only speak Vietnamese. Please ask a family member or your party cell "
    "secretary to help."
)
TOO_FAST = "Bác nhắn chậm một chút giúp tôi nhé, tôi đang xử lý tin trước của Bác."
FAQ_FOLLOW_UP = "Bác có cần làm thủ tục này ngay bây giờ không?"
YES_PLEASE = "Có"
NO_THANKS = "Không"
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

# Help requests: a member reaching a person.
HELP_REQUEST_TITLE = "{name} cần giúp"
HELP_REQUEST_NOTICE = (
    "Đảng viên {name} ({phone}) cần giúp ở bước «{step}» của «{title}». "
    "Lần gõ cuối: «{typed}». Đồng chí trả lời ngay ở đây hoặc gọi điện cho đảng viên."
)
HELP_ANSWER = "Trả lời"
HELP_CLOSE = "Đã xong"
HELP_ANSWER_TITLE = "Trả lời đảng viên"
HELP_ASK_ANSWER = "Đồng chí gõ câu trả lời cho {name}. Tôi sẽ chuyển ngay."
HELP_ANSWER_SENT = "Đã chuyển câu trả lời tới {name}."
HELP_ASK_CLOSE = "Việc của {name} đã xong chưa ạ?"
HELP_KEEP_OPEN = "Chưa, để mở"
HELP_CLOSED = "Đã đóng yêu cầu hỗ trợ của {name}."
HELP_ANSWERED = "Đồng chí {name} trả lời Bác:\n{text}"

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

# Helper mode (tổ công nghệ cộng đồng).
ASSIST_TITLE = "Hỗ trợ đảng viên"
ASSIST_WHO = "Đồng chí gõ số điện thoại hoặc họ tên đảng viên cần giúp."
ASSIST_PICK = "Có mấy người trùng tên. Đồng chí chọn đúng người."
ASSIST_NOT_FOUND = "Không thấy đảng viên nào như vậy trong tổ chức đồng chí được giao hỗ trợ."
ASSIST_NOT_YOURS = "Đảng viên {name} không thuộc tổ chức đồng chí được giao hỗ trợ."
ASSIST_WAIT = (
    "Tôi đã nhắn cho {name} một mã 4 số. Đồng chí nhờ đảng viên đọc mã đó rồi gõ vào đây, "
    "hoặc đảng viên bấm «Đồng ý» trên điện thoại của mình."
)
ASSIST_CHECK = "Đảng viên đã bấm Đồng ý"
ASSIST_NOT_YET = "Đảng viên chưa đồng ý. Đồng chí chờ một chút hoặc gõ mã 4 số."
ASSIST_BAD_CODE = "Mã gồm 4 số."
ASSIST_WRONG_CODE = "Mã chưa đúng. Đồng chí hỏi lại đảng viên nhé."
ASSIST_LOCKED = "Mã đã hết hạn hoặc nhập sai nhiều lần. Đồng chí bắt đầu lại nhé."
ASSIST_STARTED = (
    "Đảng viên {name} đã đồng ý. Từ giờ đồng chí làm thủ tục thay cho {name} "
    "(tối đa 60 phút). Mọi việc đều được ghi lại tên cả hai người."
)
ASSIST_NOW = "Đang làm thay cho: {name}."
ASSIST_END = "Kết thúc hỗ trợ"
ASSIST_ENDED = "Đã kết thúc hỗ trợ {name}. Cảm ơn đồng chí."
ASSIST_CONSENT_NOTICE = (
    "Đồng chí {helper} (tổ công nghệ cộng đồng) xin giúp Bác làm thủ tục trên điện thoại. "
    "Nếu Bác đồng ý, Bác đọc mã {code} cho đồng chí ấy, hoặc bấm «Đồng ý»."
)
ASSIST_AGREE = "Đồng ý"
ASSIST_THANKS = "Cảm ơn Bác. Đồng chí {helper} sẽ giúp Bác ngay."
ASSIST_READY = "Đảng viên {name} đã bấm Đồng ý. Đồng chí gõ bất kỳ để bắt đầu."
ASSIST_DONE_NOTICE = "Đồng chí {helper} vừa làm giúp Bác: {what}"
# --- residence review (nhận xét nơi cư trú, QĐ 213) ---
REVIEW_TITLE = "Xin nhận xét nơi cư trú"
REVIEW_HELP = (
    "Hằng năm, chi bộ nơi Bác sinh hoạt cần ý kiến của chi bộ nơi Bác ở (tổ dân phố, thôn) về "
    "việc Bác thực hiện nhiệm vụ đảng viên nơi cư trú. Tôi gửi yêu cầu tới bí thư chi bộ nơi cư "
    "trú và gửi Bác bản nhận xét khi có."
)
REVIEW_WHO_TO_ASK = "đồng chí {name}, {role} {cell}"
REVIEW_WHO_TO_ASK_NOBODY = "văn phòng đảng ủy phường"
REVIEW_WRITE_HINT = "Yêu cầu nhận xét gửi tới đồng chí nằm ở mục «Việc cần duyệt»."
REVIEW_NO_RESIDENCE = (
    "Danh sách chưa ghi chi bộ nơi cư trú của {who}, nên chưa xin nhận xét được. "
    "Bác nhờ {ask} cập nhật giúp nhé."
)
REVIEW_RETIRED = (
    "Nhận xét nơi cư trú chỉ dành cho đảng viên đang công tác; đảng viên nghỉ hưu sinh hoạt "
    "ngay tại chi bộ nơi cư trú nên không cần. Nếu chưa đúng, Bác hỏi {ask} nhé."
)
REVIEW_SAME_CELL = (
    "{who} đang sinh hoạt ngay tại chi bộ nơi cư trú nên không cần nhận xét này. "
    "Nếu chưa đúng, Bác hỏi {ask} nhé."
)
REVIEW_WAITING = (
    "Yêu cầu nhận xét năm {year} của {who} đã gửi ngày {date}, đang chờ {approvers}. "
    "Có kết quả là tôi báo ngay."
)
REVIEW_ALREADY_SIGNED = (
    "Chi bộ {residence} đã nhận xét {who} năm {year} (ký ngày {date}). "
    "Tôi gửi lại bản nhận xét kèm theo."
)
REVIEW_SELF = "Bác"
REVIEW_OTHER = "đồng chí {name}"
REVIEW_ASK_CELLS = (
    "Theo danh sách, {who}:\n• Ở: {residence}\n• Sinh hoạt tại: {workplace}\n"
    "Thông tin này đúng không ạ?"
)
REVIEW_CELLS_RIGHT = "Đúng"
REVIEW_CELLS_WRONG = "Chưa đúng"
REVIEW_ASK_WRONG = (
    "Bác gõ giúp tôi chỗ nào chưa đúng, ví dụ: «Tôi ở tổ dân phố số 7». "
    "Tôi sẽ báo bí thư chi bộ để sửa."
)
REVIEW_WRONG_SENT = "Tôi đã báo {names}. Khi danh sách được sửa, Bác làm lại thủ tục này nhé."
REVIEW_WRONG_SELF = (
    "Đồng chí sửa chi bộ nơi cư trú trong danh sách đảng viên (nhập lại danh sách), "
    "rồi làm lại thủ tục này nhé."
)
REVIEW_ASK_YEAR = "Bác xin nhận xét cho năm nào ạ?"
REVIEW_YEAR = "Năm {year}"
REVIEW_YEAR_HELP = (
    "Thường mỗi năm xin một lần, trước khi chi bộ đánh giá cuối năm. "
    "Nếu không rõ, Bác chọn năm nay."
)
REVIEW_ASK_NOTE = (
    "Bác có muốn nhắn gì thêm cho bí thư chi bộ nơi cư trú không? "
    "Bác gõ lời nhắn, hoặc chọn «Không nhắn gì»."
)
REVIEW_NO_NOTE = "Không nhắn gì"
REVIEW_CONFIRM = (
    "Bác xem lại:\n• Đảng viên: {name}\n• Chi bộ nơi cư trú: {residence}\n"
    "• Chi bộ nơi sinh hoạt: {workplace}\n• Năm nhận xét: {year}\n• Lời nhắn: {note}\n"
    "Bác gửi yêu cầu này chứ?"
)
REVIEW_SEND = "Gửi yêu cầu"
REVIEW_EDIT = "Sửa lại"
REVIEW_SENT = (
    "Đã gửi tới {approvers}. Khi có nhận xét, tôi gửi bản nhận xét cho {who} và bí thư "
    "{workplace}. Số yêu cầu: {number}."
)
REVIEW_SENT_OFFICE = (
    "{residence} chưa có bí thư trên hệ thống, nên tôi đã chuyển yêu cầu tới văn phòng "
    "đảng ủy. Số yêu cầu: {number}."
)
REVIEW_APPROVER = "đồng chí {name}, {role} {cell}"
REVIEW_AND = " và "
REVIEW_COMMA = ", "
REVIEW_ROLE = {"secretary": "Bí thư", "deputy_secretary": "Phó bí thư"}
REVIEW_FOR_YOU = (
    "Đồng chí {by} đã xin chi bộ nơi cư trú nhận xét năm {year} cho Bác. "
    "Có kết quả, tôi sẽ gửi Bác."
)
REVIEW_CELLS_WRONG_NOTICE = (
    "Đảng viên {name} ({phone}) báo thông tin chi bộ chưa đúng: «{text}». "
    "Danh sách đang ghi: ở {residence}, sinh hoạt tại {workplace}. Đồng chí kiểm tra, sửa giúp."
)

# The workplace secretary's desk.
REVIEW_DESK_ASK = "Đồng chí muốn làm gì?"
REVIEW_DESK_FOR_MEMBER = "Xin cho đảng viên"
REVIEW_DESK_FOR_SELF = "Xin cho bản thân"
REVIEW_DESK_STATUS = "Xem tình hình năm {year}"
REVIEW_PICK_MEMBER = "Đồng chí xin nhận xét cho đảng viên nào? Chọn hoặc gõ tên."
REVIEW_PICK_NONE = (
    "Chi bộ chưa có đảng viên đang công tác nào có chi bộ nơi cư trú trong danh sách."
)
REVIEW_STATUS_HEAD = (
    "Nhận xét nơi cư trú năm {year}: {total} yêu cầu — {signed} đã ký, {waiting} đang chờ, "
    "{declined} chưa thể nhận xét."
)
REVIEW_STATUS_LINE = "• {name} ({residence}): {status}"
REVIEW_STATUS_MORE = "… và {count} yêu cầu khác, xem trong tệp Excel."
REVIEW_STATUS_EMPTY = "Năm {year} chưa có yêu cầu nhận xét nơi cư trú nào trong chi bộ đồng chí."
REVIEW_STATE_WAITING = "đang chờ từ {date}"
REVIEW_STATE_SIGNED = "đã ký {date}"
REVIEW_STATE_DECLINED = "chưa thể nhận xét"

# The residence secretary: prompt, form, decline.
REVIEW_APPROVAL_TITLE = "Nhận xét nơi cư trú: {name} ({workplace}), năm {year}"
REVIEW_APPROVAL_DETAIL = (
    "Xin nhận xét nơi cư trú năm {year}\n• Đảng viên: {name}, sinh năm {birth_year}\n"
    "• Ở: {residence}\n• Sinh hoạt tại: {workplace}{note}"
)
REVIEW_APPROVAL_NOTE = "\n• Lời nhắn: {note}"
REVIEW_UNKNOWN_YEAR = "không rõ"
REVIEW_ACTION_WRITE = "Viết nhận xét"
REVIEW_ACTION_DECLINE = "Chưa thể nhận xét"
REVIEW_FORM_TITLE = "Viết nhận xét nơi cư trú"
REVIEW_FORM_HELP = (
    "Đồng chí đánh giá từng nhiệm vụ của đảng viên nơi cư trú, cho biết đã trao đổi với Ban "
    "công tác Mặt trận chưa, viết ý kiến chung rồi ký. Bước cuối có thể sửa mọi câu."
)
REVIEW_HEAD = "Nhận xét cho {name} ({workplace}), năm {year}."
REVIEW_RESUMED = "Tiếp tục phần đang viết dở (đã lưu {done}/{total} nhiệm vụ)."
REVIEW_DUTY = "{head}\nNhiệm vụ {index}/{total}: {text}\nĐồng chí đánh giá thế nào?{previous}"
REVIEW_PREVIOUS = "\n(Lần trước chọn: {answer})"
REVIEW_DUTY_HELP = (
    "«Tốt»: đảng viên làm tốt nhiệm vụ này. «Chưa tốt»: còn hạn chế. «Không rõ»: chi bộ chưa "
    "nắm được. Bước cuối có thể sửa."
)
REVIEW_ANSWER = {"good": "Tốt", "poor": "Chưa tốt", "unknown": "Không rõ"}
REVIEW_ASK_FRONT = (
    "{head}\nChi ủy (hoặc bí thư) nhận xét cùng Ban công tác Mặt trận nơi cư trú. "
    "Đồng chí đã trao đổi với Ban công tác Mặt trận chưa?{previous}"
)
REVIEW_FRONT_YES = "Đã trao đổi"
REVIEW_FRONT_NO = "Chưa trao đổi"
REVIEW_ASK_COMMENTS = (
    "{head}\nĐồng chí viết ý kiến nhận xét chung (dài cũng được, gửi nhiều tin liền nhau cũng "
    "được). Gõ «Không» nếu không có gì thêm."
)
REVIEW_COMMENTS_KEPT = "\nĐã lưu {length} chữ; gõ «Giữ nguyên» để giữ."
REVIEW_COMMENTS_TOO_LONG = (
    "Ý kiến dài {length} chữ, quá mức {limit} chữ. Đồng chí rút gọn rồi gửi lại giúp tôi; "
    "các câu trả lời khác vẫn được giữ."
)
REVIEW_COMMENTS_ADDED = "Tôi đã ghi thêm đoạn này vào ý kiến nhận xét (tổng {length} chữ)."
REVIEW_SUMMARY = (
    "{head}\n{answers}\n• Mặt trận: {front}\n• Ý kiến: {comments}\n"
    "Đồng chí kiểm tra rồi bấm «Ký xác nhận»."
)
REVIEW_SUMMARY_LINE = "{index}. {text} — {answer}"
REVIEW_COMMENTS_NONE = "không có"
REVIEW_COMMENTS_PREVIEW = "«{start}» ({length} chữ)"
REVIEW_SIGN = "Ký xác nhận"
REVIEW_FIX = "Sửa câu trả lời"
REVIEW_SUMMARY_PICK = (
    "Đồng chí chọn một mục bên dưới: «Ký xác nhận», «Sửa câu trả lời» hoặc «Chưa thể nhận xét»."
)
REVIEW_ASK_FIX = "{head}\nĐồng chí muốn sửa mục nào?"
REVIEW_FIX_DUTY = "Nhiệm vụ {index}"
REVIEW_FIX_FRONT = "Phối hợp Mặt trận"
REVIEW_FIX_COMMENTS = "Ý kiến nhận xét"
REVIEW_SIGNED = (
    "Đã ký nhận xét cho {name}. Tôi đã gửi bản nhận xét tới {recipients}. Mã xác thực: {code}."
)
REVIEW_PICK_REQUEST = "Đồng chí viết nhận xét cho ai? Chọn một yêu cầu."
REVIEW_PICK_REQUEST_NONE = "Hiện không còn yêu cầu nhận xét nào chờ đồng chí."
REVIEW_HANDLED = ALREADY_HANDLED + " (Nhận xét cho {name}: đồng chí {by}, lúc {time}.)"
REVIEW_GONE = "Yêu cầu này không còn chờ nhận xét."
REVIEW_NOT_YOURS = "Yêu cầu này thuộc chi bộ khác; đồng chí không xem hay ký được."
REVIEW_OWN = "Đồng chí không tự nhận xét cho mình được; phó bí thư hoặc chi ủy sẽ nhận xét."
REVIEW_DECLINE_TITLE = "Chưa thể nhận xét"
REVIEW_ASK_REASON = "{head}\nVì sao chưa thể nhận xét? Chọn hoặc gõ lý do."
REVIEW_REASONS = (
    "Chi bộ chưa nắm được đảng viên này",
    "Đảng viên không ở địa bàn",
)
REVIEW_CONFIRM_DECLINE = (
    "{head}\nLý do: {reason}\nTôi sẽ báo đảng viên và bí thư {workplace}. Đồng chí xác nhận chứ?"
)
REVIEW_DECLINE_SEND = "Gửi"
REVIEW_DECLINED_DONE = "Đã báo đảng viên {name} và bí thư {workplace}: chưa thể nhận xét."
REVIEW_SIGNED_NOTICE = (
    "{residence} đã gửi nhận xét nơi cư trú năm {year} của đảng viên {name}. Người ký: đồng chí "
    "{signer}, lúc {time}. Mã xác thực: {code}. Bản nhận xét kèm theo."
)
REVIEW_SIGNED_MEMBER = (
    "{residence} đã nhận xét nơi cư trú năm {year} cho Bác (đồng chí {signer} ký lúc {time}). "
    "Tôi đã gửi bản này tới bí thư {workplace}. Bản nhận xét kèm theo."
)
REVIEW_DECLINED_NOTICE = (
    "Đồng chí {by} ({residence}) chưa thể nhận xét nơi cư trú năm {year} cho đảng viên {name}. "
    "Lý do: {reason}."
)
REVIEW_DECLINED_MEMBER = (
    "{residence} chưa thể nhận xét nơi cư trú năm {year} cho Bác. Lý do: {reason}. Bác trao đổi "
    "với đồng chí {by}; khi xong, Bác xin lại được."
)

# The signed document (PDF) and the Excel export.
DOC_REVIEW_TITLE = "PHIẾU NHẬN XÉT ĐẢNG VIÊN NƠI CƯ TRÚ"
DOC_REVIEW_SUBTITLE = "Đảng viên đang công tác, năm {year} (Quy định số 213-QĐ/TW)"
DOC_REVIEW_NUMBER = "{id}/NX-NCT"
DOC_REVIEW_FILE = "nhan-xet-noi-cu-tru-{year}-{card}.pdf"
DOC_NAME = "Họ và tên"
DOC_BIRTH_YEAR = "Năm sinh"
DOC_CARD = "Số thẻ đảng viên"
DOC_WORKPLACE = "Chi bộ nơi sinh hoạt"
DOC_RESIDENCE = "Chi bộ nơi cư trú"
DOC_DUTIES = "I. Việc thực hiện nhiệm vụ nơi cư trú"
DOC_DUTY_HEADERS = ("STT", "Nhiệm vụ", "Nhận xét")
DOC_COMMENTS = "II. Ý kiến nhận xét"
DOC_NO_COMMENTS = "Không có ý kiến thêm."
DOC_FRONT_YES = "{who} đã trao đổi, thống nhất với Ban công tác Mặt trận nơi cư trú."
DOC_FRONT_NO = "{who} chưa trao đổi được với Ban công tác Mặt trận nơi cư trú."
DOC_FRONT_COMMITTEE = "Chi ủy"
DOC_FRONT_CELL = "Chi bộ"
DOC_ON_BEHALF_COMMITTEE = "T/M CHI ỦY"
DOC_ON_BEHALF_CELL = "T/M CHI BỘ"
DOC_ON_BEHALF_ORG = "T/M {org}"
DOC_SIGNER_ROLE = {"secretary": "BÍ THƯ", "deputy_secretary": "PHÓ BÍ THƯ"}
DOC_REVIEW_FOOTER = (
    "Văn bản điện tử do Trợ lý Đảng viên tạo khi đồng chí ký xác nhận. "
    "Đối chiếu mã xác thực với văn phòng đảng ủy."
)
EXPORT_REVIEW_TITLE = "Nhận xét nơi cư trú năm {year} — {org}"
EXPORT_REVIEW_FILE = "nhan-xet-noi-cu-tru-{org}-{year}.xlsx"
EXPORT_REVIEW_HEADERS = (
    "STT",
    "Họ và tên",
    "Số thẻ đảng viên",
    "Chi bộ nơi sinh hoạt",
    "Chi bộ nơi cư trú",
    "Năm",
    "Trạng thái",
    "Gửi lúc",
    "Người xử lý",
    "Xử lý lúc",
    "Thời gian xử lý (phút)",
    "Mã xác thực",
    "Lý do chưa nhận xét",
    "Diễn biến",
)
EXPORT_REVIEW_STATUS = {
    "requested": "Đang chờ",
    "signed": "Đã ký",
    "declined": "Chưa thể nhận xét",
}
EXPORT_REVIEW_HISTORY = {
    "requested": "gửi yêu cầu",
    "opened": "mở phiếu nhận xét",
    "signed": "ký nhận xét",
    "declined": "báo chưa thể nhận xét",
    "delivered": "gửi kết quả về chi bộ",
    "reminded": "nhắc bí thư nơi cư trú",
    "escalated": "báo văn phòng đảng ủy",
}
EXPORT_REVIEW_DONE = "Đã ghi {count} yêu cầu vào {path}."
EXPORT_REVIEW_NO_ORG = "Không có tổ chức nào mã {code}."
# --- transfers ---
TRANSFER_TITLE = "Chuyển sinh hoạt đảng"
TRANSFER_WORDS = (
    "chuyen sinh hoat",
    "chuyen sinh hoat dang",
    "chuyen dang",
    "chuyen di",
    "chuyen noi sinh hoat",
    "giay gioi thieu",
    "sinh hoat tam thoi",
)
TRANSFER_HELP = (
    "Chuyển chính thức: khi Bác chuyển hẳn đi (đổi công tác, nghỉ hưu, thôi việc, chuyển nhà). "
    "Chuyển tạm thời: khi Bác đi vắng từ 3 tháng đến dưới 1 năm, hoặc đi học từ 3 tháng đến "
    "2 năm, rồi về. Đi dưới 3 tháng thì không cần làm gì."
)
TRANSFER_CASE = "Bác chuyển sinh hoạt đảng vì việc gì ạ?"
TRANSFER_CASE_MOVE = "Chuyển hẳn đi nơi khác"
TRANSFER_CASE_MOVE_WORDS = (
    "chuyen han",
    "doi cong tac",
    "chuyen cong tac",
    "nghi huu",
    "thoi viec",
    "chuyen nha",
    "chinh thuc",
)
TRANSFER_CASE_AWAY = "Đi vắng một thời gian rồi về"
TRANSFER_CASE_AWAY_WORDS = ("di vang", "di cong tac", "di lam xa", "tam thoi", "chua benh")
TRANSFER_CASE_STUDY = "Đi học tập trung rồi về"
TRANSFER_CASE_STUDY_WORDS = ("di hoc", "hoc tap", "hoc tap trung", "di hoc roi ve")
TRANSFER_AWAY_LENGTH = "Bác đi vắng khoảng bao lâu ạ?"
TRANSFER_STUDY_LENGTH = "Khóa học của Bác dài bao lâu ạ?"
TRANSFER_UNDER_3 = "Dưới 3 tháng"
TRANSFER_3_TO_12 = "Từ 3 tháng đến dưới 1 năm"
TRANSFER_OVER_12 = "Từ 1 năm trở lên"
TRANSFER_3_TO_24 = "Từ 3 tháng đến 2 năm"
TRANSFER_OVER_24 = "Trên 2 năm"
TRANSFER_NOTHING_TO_DO = (
    "Đi dưới 3 tháng thì Bác không cần chuyển sinh hoạt đảng. Bác chỉ cần báo bí thư chi bộ "
    "trước khi đi và về sinh hoạt bình thường khi trở lại."
)
TRANSFER_TOO_LONG_FOR_TEMPORARY = (
    "Đi lâu như vậy thì Bác làm thủ tục chuyển sinh hoạt chính thức. Tôi hỏi tiếp Bác vài câu nhé."
)
TRANSFER_REASON = "Bác chuyển hẳn đi vì lý do nào ạ?"
TRANSFER_REASON_JOB = "Chuyển công tác"
TRANSFER_REASON_RETIRE = "Nghỉ hưu, nghỉ mất sức"
TRANSFER_REASON_LEAVE = "Thôi việc, phục viên"
TRANSFER_REASON_HOME = "Chuyển nơi ở"
TRANSFER_REASON_JOB_WORDS = ("chuyen cong tac", "doi cong tac", "cong tac")
TRANSFER_REASON_RETIRE_WORDS = ("nghi huu", "huu", "mat suc", "nghi mat suc", "ve huu")
TRANSFER_REASON_LEAVE_WORDS = ("thoi viec", "phuc vien", "nghi viec")
TRANSFER_REASON_HOME_WORDS = ("chuyen nha", "chuyen noi o", "doi nha", "chuyen cho o")
TRANSFER_DECISION_DATE = (
    "Quyết định (hoặc ngày Bác chuyển đi) là ngày nào ạ? Bác gõ ngày/tháng/năm, ví dụ 15/11/2026."
)
TRANSFER_DECISION_HELP = (
    "Là ngày ghi trên quyết định nghỉ hưu, chuyển công tác, thôi việc; nếu chuyển nhà thì là "
    "ngày Bác chuyển đến nơi ở mới. Cần làm thủ tục trong 60 ngày làm việc kể từ ngày đó."
)
TRANSFER_DECISION_TOO_FAR = "Ngày này còn xa quá. Bác xem lại ngày trên quyết định giúp tôi."
TRANSFER_LATE_START = (
    "Từ ngày đó đến nay đã {days} ngày làm việc, quá hạn 60 ngày làm việc để làm thủ tục. "
    "Bác vẫn gửi được, kèm một lời giải thích ngắn để cấp ủy xem xét."
)
TRANSFER_LATE_NOTE = "Bác viết ngắn vì sao làm thủ tục muộn ạ (ví dụ: ốm phải nằm viện)."
TRANSFER_DESTINATION = (
    "Bác chuyển đến chi bộ nào ạ? Bác gõ một phần tên, ví dụ «Khu dân cư số 1 Cầu Giấy» "
    "hoặc «P. Yên Hòa»."
)
TRANSFER_DESTINATION_HELP = (
    "Gõ tên chi bộ, tổ dân phố hoặc phường nơi đến, có dấu hay không dấu đều được. "
    "Tôi sẽ đưa ra vài tên gần đúng để Bác chọn."
)
TRANSFER_PICK = "Tôi tìm thấy các chi bộ này. Bác chọn đúng nơi đến, hoặc gõ tên khác để tìm lại."
TRANSFER_ORG_LABEL = "{name} ({parent})"
TRANSFER_NOT_LISTED = "Không có trong danh sách"
TRANSFER_NOT_LISTED_WORDS = (
    "khong co",
    "khong thay",
    "ngoai danh sach",
    "khong co trong danh sach",
)
TRANSFER_NOT_FOUND = (
    "Tôi không tìm thấy chi bộ nào giống «{typed}». Bác gõ tên khác, hoặc chọn "
    "«Ghi tên nơi đến» nếu nơi đến không có trong danh sách."
)
TRANSFER_WRITE_DESTINATION = "Ghi tên nơi đến"
TRANSFER_OUTSIDE = (
    "Bác gõ tên đầy đủ nơi đến (chi bộ, đảng bộ, tỉnh/thành). Văn phòng đảng ủy sẽ tìm và "
    "chuyển giúp Bác."
)
TRANSFER_SAME_CELL = "Đây là chi bộ Bác đang sinh hoạt. Bác chọn hoặc gõ tên chi bộ nơi chuyển đến."
TRANSFER_NOT_A_CELL = "Nơi đến phải là một chi bộ. Bác chọn lại giúp tôi."
TRANSFER_START_DATE = "Bác bắt đầu đi từ ngày nào ạ? Bác gõ ngày/tháng/năm, ví dụ 01/01/2027."
TRANSFER_START_TOO_FAR = "Ngày bắt đầu phải trong vòng một năm tới. Bác xem lại giúp tôi."
TRANSFER_START_PAST = "Ngày bắt đầu đã qua lâu rồi. Bác gõ ngày đi sắp tới hoặc vừa mới đây."
TRANSFER_END_DATE = "Bác về lại vào ngày nào ạ? Bác gõ ngày/tháng/năm."
TRANSFER_END_BEFORE_START = "Ngày về phải sau ngày đi ({start}). Bác gõ lại ngày về giúp tôi."
TRANSFER_TOO_LONG_WORK = (
    "Chuyển tạm thời khi đi vắng chỉ dưới 1 năm, tức là về chậm nhất ngày {last}. Đi lâu hơn "
    "thì Bác làm thủ tục chuyển chính thức. Bác gõ lại ngày về, hoặc chọn «Hủy»."
)
TRANSFER_TOO_LONG_STUDY = (
    "Chuyển tạm thời khi đi học tối đa 2 năm, tức là về chậm nhất ngày {last}. Học lâu hơn "
    "thì Bác làm thủ tục chuyển chính thức. Bác gõ lại ngày về, hoặc chọn «Hủy»."
)
TRANSFER_WORK_PLACE = "Bác đi đâu, làm việc gì ạ? Ví dụ: đi công tác ở Đà Nẵng."
TRANSFER_STUDY_PLACE = "Bác học ở trường nào, học gì ạ?"
TRANSFER_STUDY_REASON = "Đi học: {what}"
TRANSFER_CONFIRM_OFFICIAL = (
    "Bác xem lại yêu cầu chuyển sinh hoạt chính thức:\n"
    "- Từ: {from_}\n- Đến: {to}\n- Lý do: {reason}\n- Ngày quyết định/chuyển đi: {date}{late}\n"
    "Khi được duyệt, tôi gửi Bác giấy giới thiệu. Hồ sơ đảng viên do đảng ủy niêm phong và "
    "giao tận tay Bác, không gửi qua đây."
)
TRANSFER_CONFIRM_TEMPORARY = (
    "Bác xem lại yêu cầu chuyển sinh hoạt tạm thời:\n"
    "- Từ: {from_}\n- Đến: {to}\n- Việc: {reason}\n- Thời gian: từ {start} đến {end}\n"
    "Khi được duyệt, tôi gửi Bác giấy giới thiệu tạm thời để mang đến nơi mới. "
    "Bác vẫn là đảng viên của chi bộ hiện nay."
)
TRANSFER_CONFIRM_LATE = " (muộn: {note})"
TRANSFER_OUTSIDE_MARK = "{to} (ngoài danh sách, văn phòng đảng ủy sẽ chuyển)"
TRANSFER_SEND = "Gửi yêu cầu"
TRANSFER_SEND_WORDS = ("gui", "gui di", "dong y", "dung roi", "ok")
TRANSFER_EDIT_DESTINATION = "Sửa nơi đến"
TRANSFER_EDIT_DATES = "Sửa ngày"
TRANSFER_EDIT_REASON = "Sửa lý do"
TRANSFER_SENT = (
    "Đã gửi yêu cầu. Bây giờ đang chờ {org} duyệt. Có tin gì tôi sẽ báo Bác. Bác xem yêu cầu "
    "đang ở đâu bằng mục «Chuyển sinh hoạt đảng»."
)
TRANSFER_RESENT = "Đã gửi lại yêu cầu. Bây giờ đang chờ {org} duyệt."
TRANSFER_HAS_OPEN = "Bác đang có một yêu cầu chuyển sinh hoạt chưa xong. Tôi mở yêu cầu đó nhé."
TRANSFER_FLAGGED = (
    "Hiện Bác đang có việc kiểm tra hoặc khiếu nại chưa giải quyết xong, nên chưa chuyển sinh "
    "hoạt được. Bác liên hệ văn phòng đảng ủy để biết thêm."
)
TRANSFER_DUES_FIRST = (
    "Trước khi chuyển sinh hoạt, Bác cần nộp đủ đảng phí đến tháng này. Bác còn thiếu: {months}. "
    "Bác nộp trước nhé, nộp cho chi bộ hoặc chuyển khoản đều được."
)
TRANSFER_PAY_NOW = "Nộp đảng phí ngay"
TRANSFER_PAY_NOW_WORDS = ("nop ngay", "nop dang phi", "nop")
TRANSFER_PAY_LATER = "Để sau"
TRANSFER_PAY_LATER_DONE = "Vâng. Khi nộp đủ đảng phí, Bác vào lại «Chuyển sinh hoạt đảng» nhé."

# The member's view of an open request.
TRANSFER_KIND_OFFICIAL = "chuyển sinh hoạt chính thức"
TRANSFER_KIND_TEMPORARY = "chuyển sinh hoạt tạm thời"
TRANSFER_STATUS_HEAD = "Yêu cầu {kind} đến {to}, gửi ngày {sent}."
TRANSFER_STATUS_WAITING = "Đang chờ {org} duyệt, từ ngày {since}."
TRANSFER_STATUS_RETURNED = "{org} đã trả lại yêu cầu. Lý do: {reason}"
TRANSFER_STATUS_ISSUED = (
    "Đã cấp giấy giới thiệu số {number} ngày {issued}. Bác mang giấy đến {receiving}{deadline}, "
    "rồi chọn «Tôi đã nộp giấy»."
)
TRANSFER_STATUS_DEADLINE = " trước hết ngày {date}"
TRANSFER_STATUS_LATE = "Đã quá hạn nộp giấy. Bác chọn «Giải trình» để viết lý do."
TRANSFER_STATUS_EXPLAINED = "Bác đã giải trình: «{text}». Cấp ủy đang xem xét."
TRANSFER_STATUS_ARRIVING = "Bác đã nộp giấy giới thiệu. Đang chờ {org} xác nhận, từ ngày {since}."
TRANSFER_STATUS_ACTIVE = (
    "Bác đang sinh hoạt tạm thời tại {to} đến hết ngày {end} (không biểu quyết, không bầu cử "
    "ở đó). Bác vẫn là đảng viên của {from_}."
)
TRANSFER_STATUS_EXTENSION = "Đang chờ {org} đồng ý gia hạn đến ngày {end}."
TRANSFER_STATUS_OUTSIDE = "Đã cấp giấy giới thiệu số {number}. Bác mang giấy đến {to}."
TRANSFER_STATUS_DONE = "Yêu cầu chuyển sinh hoạt gần nhất của Bác: {state}."
TRANSFER_OPT_CANCEL = "Hủy yêu cầu"
TRANSFER_OPT_FIX = "Sửa và gửi lại"
TRANSFER_OPT_PRESENTED = "Tôi đã nộp giấy"
TRANSFER_OPT_LETTER = "Gửi lại giấy giới thiệu"
TRANSFER_OPT_EXPLAIN = "Giải trình"
TRANSFER_OPT_BACK = "Tôi đã về"
TRANSFER_OPT_EXTEND = "Xin gia hạn"
TRANSFER_CANCEL_CONFIRM = (
    "Bác chắc chắn hủy yêu cầu chuyển sinh hoạt? Người đang duyệt sẽ được báo, giấy giới thiệu "
    "(nếu đã cấp) không còn giá trị."
)
TRANSFER_CANCEL_YES = "Đúng, hủy yêu cầu"
TRANSFER_CANCEL_NO = "Không hủy"
TRANSFER_CANCELLED = "Đã hủy yêu cầu chuyển sinh hoạt. Những người liên quan đã được báo."
TRANSFER_CANNOT_CANCEL = "Yêu cầu này đã xong nên không hủy được nữa."
TRANSFER_PRESENTED = "Tôi đã báo {org}. Khi nơi mới xác nhận, tôi sẽ báo Bác."
TRANSFER_LETTER_AGAIN = "Đây là giấy giới thiệu số {number} của Bác."
TRANSFER_EXPLAIN_ASK = "Bác viết ngắn vì sao chưa nộp giấy đúng hạn ạ."
TRANSFER_EXPLAINED = "Tôi đã gửi lời giải trình của Bác đến cấp ủy. Cấp ủy sẽ xem xét."
TRANSFER_BACK_CONFIRM = "Bác đã về và sinh hoạt lại ở {from_} phải không ạ?"
TRANSFER_BACK_YES = "Đúng, tôi đã về"
TRANSFER_BACK_NO = "Chưa"
TRANSFER_BACK_DONE = "Đã ghi nhận Bác về lại {from_}. Hai chi bộ đã được báo."
TRANSFER_EXTEND_ASK = "Bác muốn gia hạn đến ngày nào ạ? Hiện đang đến hết ngày {end}."
TRANSFER_EXTEND_NOT_LONGER = "Ngày gia hạn phải sau ngày {end}. Bác gõ lại giúp tôi."
TRANSFER_EXTEND_PENDING = "Bác đã xin gia hạn rồi, đang chờ chi bộ trả lời."
TRANSFER_EXTEND_SENT = "Đã gửi xin gia hạn đến {org}. Có tin gì tôi sẽ báo Bác."
TRANSFER_GONE = "Yêu cầu này đã thay đổi. Bác vào lại «Chuyển sinh hoạt đảng» để xem."

# Approvers.
TRANSFER_APPROVE = "Đồng ý"
TRANSFER_RETURN = "Trả lại"
TRANSFER_RECEIVE = "Đã tiếp nhận"
TRANSFER_DECLINE = "Không đồng ý"
TRANSFER_APPROVAL_TITLE = "Chuyển sinh hoạt {kind}: {name}"
TRANSFER_ARRIVAL_TITLE = "Tiếp nhận đảng viên: {name}"
TRANSFER_EXTENSION_TITLE = "Gia hạn sinh hoạt tạm thời: {name}"
TRANSFER_KIND_SHORT = {"official": "chính thức", "temporary": "tạm thời"}
TRANSFER_DETAIL = (
    "Đồng chí {name} (thẻ {card}) xin chuyển sinh hoạt {kind}.\n- Từ: {from_}\n- Đến: {to}\n- "
    "Lý do: {reason}"
)
TRANSFER_DETAIL_DATE = "\n- Ngày quyết định/chuyển đi: {date}"
TRANSFER_DETAIL_LATE = "\n- Làm thủ tục muộn, lý do: {note}"
TRANSFER_DETAIL_STAY = "\n- Thời gian: từ {start} đến {end}"
TRANSFER_DETAIL_OUTSIDE = (
    "\n- Nơi đến do đảng viên tự ghi, chưa có trong danh sách: đồng chí chọn nơi đến khi đồng ý."
)
TRANSFER_STEP_HINT = {
    "cell": "Đồng ý: chi bộ xác nhận và chuyển lên đảng ủy.",
    "office": "Đồng ý: đảng ủy cho ý kiến, hoàn thiện và niêm phong hồ sơ.",
    "superior": "Đồng ý: cấp giấy giới thiệu sinh hoạt đảng (chuyển ra ngoài đảng bộ).",
    "receiving_office": "Đồng ý: đảng ủy nơi đến đã nhận giấy giới thiệu và hồ sơ, giao về chi bộ.",
    "receiving_cell": "Khi đồng chí ấy đến nộp giấy và sinh hoạt, bấm «Đã tiếp nhận».",
    "extension": "Đảng viên xin gia hạn sinh hoạt tạm thời đến ngày {end}.",
}
TRANSFER_STEP_ISSUES = " Đồng ý là cấp giấy giới thiệu."
TRANSFER_DONE_APPROVED = "Đã đồng ý. Yêu cầu chuyển tiếp đến {org}."
TRANSFER_DONE_ISSUED = (
    "Đã cấp giấy giới thiệu số {number}{deadline}. Đảng viên đã nhận bản PDF; nơi đến đã được báo."
)
TRANSFER_DONE_DEADLINE = ", hạn trình giấy hết ngày {date}"
TRANSFER_DONE_WAITING = "Đã đồng ý. Đang chờ đảng viên đến nộp giấy ở nơi mới."
TRANSFER_DONE_RECEIVED = "Đã tiếp nhận đồng chí {name} vào {org}."
TRANSFER_DONE_TEMPORARY = (
    "Đã tiếp nhận đồng chí {name} sinh hoạt tạm thời đến hết ngày {end} (không có quyền biểu "
    "quyết)."
)
TRANSFER_DONE_EXTENDED = "Đã đồng ý gia hạn cho đồng chí {name} đến hết ngày {end}."
TRANSFER_NOT_YOURS = "Việc này không thuộc quyền của đồng chí (hoặc là yêu cầu của chính đồng chí)."
TRANSFER_BLOCKED_FLAG = (
    "Chưa duyệt được: đồng chí {name} đang có việc kiểm tra hoặc khiếu nại chưa xong."
)
TRANSFER_BLOCKED_DUES = (
    "Chưa cấp giấy được: đồng chí {name} chưa nộp đảng phí {months}. Tôi đã nhắc đồng chí ấy; "
    "khi nộp đủ, đồng chí bấm «Đồng ý» lại."
)
TRANSFER_BLOCKED_DUES_UNKNOWN = (
    "Chưa cấp giấy được: chưa tính được đảng phí của đồng chí {name} vì danh sách còn thiếu "
    "đối tượng hoặc mức đóng. Đồng chí nhờ chi bộ cập nhật, rồi bấm «Đồng ý» lại."
)
TRANSFER_RETURN_ASK = (
    "Đồng chí ghi lý do trả lại, đảng viên sẽ đọc để sửa (ví dụ: ghi sai nơi đến)."
)
TRANSFER_RETURNED_DONE = "Đã trả lại yêu cầu cho đồng chí {name}, kèm lý do."
TRANSFER_ROUTE_ASK = (
    "Đảng viên ghi nơi đến: «{to}». Đồng chí gõ tên chi bộ đó để tìm trong danh sách, "
    "hoặc chọn «Ngoài hệ thống» nếu nơi đến không dùng Trợ lý."
)
TRANSFER_ROUTE_OUTSIDE = "Ngoài hệ thống"
TRANSFER_ROUTE_OUTSIDE_WORDS = ("ngoai he thong", "ngoai", "khong co")
TRANSFER_ROUTE_PICK = "Đồng chí chọn chi bộ nơi đến, hoặc gõ tên khác để tìm lại."
TRANSFER_ROUTE_SAME = (
    "Nơi đến phải là một chi bộ khác chi bộ hiện nay của đảng viên. Đồng chí chọn lại."
)
TRANSFER_ROUTE_NONE = "Không tìm thấy chi bộ nào giống «{typed}». Đồng chí gõ tên khác."

# Notices.
TRANSFER_NOTICE_PROGRESS = (
    "Yêu cầu chuyển sinh hoạt của Bác: {by} đã đồng ý. Bây giờ đang chờ {next} duyệt."
)
TRANSFER_NOTICE_LETTER = (
    "Bác đã được cấp giấy giới thiệu sinh hoạt đảng số {number}. Bác mang giấy này và hồ sơ "
    "đảng viên (đảng ủy niêm phong, giao tận tay) đến {receiving}{deadline}. Khi đã nộp, Bác "
    "vào "
    "«Chuyển sinh hoạt đảng» chọn «Tôi đã nộp giấy»."
)
TRANSFER_NOTICE_LETTER_TEMPORARY = (
    "Bác đã được cấp giấy giới thiệu sinh hoạt đảng tạm thời số {number}. Bác mang giấy này "
    "đến {receiving} để sinh hoạt từ {start} đến {end}. Khi đã nộp, Bác vào «Chuyển sinh hoạt "
    "đảng» chọn «Tôi đã nộp giấy»."
)
TRANSFER_NOTICE_LETTER_OUTSIDE = (
    "Bác đã được cấp giấy giới thiệu sinh hoạt đảng số {number}. Bác mang giấy này và hồ sơ "
    "đảng viên (đảng ủy niêm phong, giao tận tay) đến {to}{deadline}."
)
TRANSFER_NOTICE_INCOMING = (
    "Sắp có đảng viên chuyển đến {receiving}: đồng chí {name} (thẻ {card}) từ {from_}, "
    "giấy giới thiệu số {number}{deadline}. Khi đồng chí ấy đến nộp giấy, đồng chí sẽ nhận "
    "yêu cầu xác nhận."
)
TRANSFER_NOTICE_RETURNED = (
    "{org} đã trả lại yêu cầu chuyển sinh hoạt của Bác. Lý do: {reason}. Bác vào "
    "«Chuyển sinh hoạt đảng» để sửa và gửi lại."
)
TRANSFER_NOTICE_RECEIVED = (
    "{to} đã tiếp nhận Bác từ ngày {on}. Từ tháng sau, Bác nộp đảng phí cho chi bộ mới."
)
TRANSFER_NOTICE_RECEIVED_HOME = (
    "Đồng chí {name} đã được {to} tiếp nhận ngày {on}, không còn trong danh sách chi bộ mình."
)
TRANSFER_NOTICE_TEMPORARY_STARTED = (
    "{to} đã tiếp nhận Bác sinh hoạt tạm thời đến hết ngày {end}. Ở đó Bác tham gia sinh hoạt "
    "nhưng không biểu quyết, không bầu cử, ứng cử. Bác vẫn là đảng viên của {from_}."
)
TRANSFER_NOTICE_TEMPORARY_STARTED_HOME = (
    "Đồng chí {name} bắt đầu sinh hoạt tạm thời tại {to} đến hết ngày {end}; vẫn thuộc danh "
    "sách chi bộ mình."
)
TRANSFER_NOTICE_CANCELLED = (
    "Đồng chí {name} đã hủy yêu cầu chuyển sinh hoạt đến {to}. Đồng chí không cần xử lý nữa."
)
TRANSFER_NOTICE_DUES = (
    "Để được cấp giấy giới thiệu, Bác cần nộp đủ đảng phí đến tháng này. Bác còn thiếu: "
    "{months}. Bác nộp cho chi bộ hoặc qua mục nộp đảng phí nhé."
)
TRANSFER_NOTICE_DEADLINE = (
    "Nhắc Bác: hạn nộp giấy giới thiệu số {number} là hết ngày {date}. Bác nhớ mang giấy đến "
    "{to}. Nếu đã nộp, Bác vào «Chuyển sinh hoạt đảng» chọn «Tôi đã nộp giấy»."
)
TRANSFER_NOTICE_LATE = (
    "Đã quá hạn nộp giấy giới thiệu số {number} (hết ngày {date}). Bác vào «Chuyển sinh hoạt "
    "đảng», chọn «Giải trình» và viết ngắn lý do; cấp ủy sẽ xem xét."
)
TRANSFER_NOTICE_LATE_OFFICE = (
    "Đảng viên {name} (thẻ {card}) chưa nộp giấy giới thiệu số {number} đến {to}, đã quá hạn "
    "ngày {date}. Tôi đã đề nghị đồng chí ấy giải trình."
)
TRANSFER_NOTICE_EXPLAINED = (
    "Đảng viên {name} (thẻ {card}) giải trình việc chậm nộp giấy giới thiệu: «{text}». "
    "Đề nghị cấp ủy xem xét."
)
TRANSFER_NOTICE_ENDING = (
    "Thời gian sinh hoạt tạm thời của Bác tại {to} hết ngày {end}. Nếu cần ở lâu hơn, Bác vào "
    "«Chuyển sinh hoạt đảng» chọn «Xin gia hạn»; khi về, Bác chọn «Tôi đã về»."
)
TRANSFER_NOTICE_CLOSED = (
    "Thời gian sinh hoạt tạm thời của Bác tại {to} đã kết thúc. Bác sinh hoạt lại ở {from_}."
)
TRANSFER_NOTICE_CLOSED_CELL = (
    "Đồng chí {name} đã kết thúc sinh hoạt tạm thời tại {to}, trở lại {from_}."
)
TRANSFER_NOTICE_EXTENDED = "{to} đã đồng ý gia hạn sinh hoạt tạm thời của Bác đến hết ngày {end}."
TRANSFER_NOTICE_EXTENDED_HOME = (
    "Đồng chí {name} được gia hạn sinh hoạt tạm thời tại {to} đến hết ngày {end}."
)
TRANSFER_NOTICE_DECLINED = "{org} chưa đồng ý gia hạn sinh hoạt tạm thời. Lý do: {reason}."

# Secretaries' and offices' view.
TRANSFER_MANAGE_TITLE = "Theo dõi chuyển sinh hoạt"
TRANSFER_MANAGE_WORDS = ("chuyen den", "chuyen di", "theo doi chuyen", "danh sach chuyen")
TRANSFER_MANAGE_ASK = "Đồng chí muốn xem gì ạ?"
TRANSFER_MANAGE_OUT = "Chuyển đi"
TRANSFER_MANAGE_IN = "Chuyển đến"
TRANSFER_MANAGE_TEMPORARY = "Đang sinh hoạt tạm thời"
TRANSFER_MANAGE_FLAGS = "Kiểm tra, khiếu nại"
TRANSFER_MANAGE_NONE = "Chưa có yêu cầu chuyển sinh hoạt nào."
TRANSFER_MANAGE_PICK = "Có {count} yêu cầu. Đồng chí chọn để xem chi tiết."
TRANSFER_MANAGE_ITEM = "{name}: {state}"
TRANSFER_MANAGE_HISTORY = "Lịch sử:"
TRANSFER_MANAGE_PRESENTED = "Ghi nhận đã nộp giấy"
TRANSFER_MANAGE_LETTER = "Xem giấy giới thiệu"
TRANSFER_MANAGE_PRESENTED_DONE = (
    "Đã ghi nhận đồng chí {name} nộp giấy. Yêu cầu xác nhận đã gửi đến {org}."
)
TRANSFER_MANAGE_NO_TEMPORARY = "Hiện không có ai sinh hoạt tạm thời ở đơn vị của đồng chí."
TRANSFER_MANAGE_TEMPORARY_LIST = "Đang sinh hoạt tạm thời (không biểu quyết):\n{rows}"
TRANSFER_MANAGE_TEMPORARY_ROW = "- {name}, từ {from_}, tại {org}, đến hết {end}"
TRANSFER_FLAG_ASK = "Đồng chí gõ số điện thoại hoặc số thẻ của đảng viên."
TRANSFER_FLAG_NOT_FOUND = "Không tìm thấy đảng viên «{typed}»."
TRANSFER_FLAG_NOT_YOURS = "Đảng viên {name} không thuộc đảng ủy đồng chí phụ trách."
TRANSFER_FLAG_STATE = "Đảng viên {name}: {flags}. Đồng chí muốn làm gì?"
TRANSFER_FLAG_NONE = "không có việc kiểm tra, khiếu nại nào đang mở"
TRANSFER_FLAG_OPEN = "đang có {kinds}"
TRANSFER_FLAG_KIND = {"inspection": "kiểm tra", "complaint": "khiếu nại"}
TRANSFER_FLAG_SET_INSPECTION = "Đánh dấu đang kiểm tra"
TRANSFER_FLAG_SET_COMPLAINT = "Đánh dấu có khiếu nại"
TRANSFER_FLAG_CLEAR = "Bỏ đánh dấu (đã giải quyết)"
TRANSFER_FLAG_DONE = "Đã ghi. Khi còn đánh dấu, đồng chí {name} chưa chuyển sinh hoạt được."
TRANSFER_FLAG_CLEARED = "Đã bỏ đánh dấu cho đồng chí {name}."

# Short states, used in lists and in the member's last-request line.
TRANSFER_STATE = {
    "pending": "đang duyệt",
    "returned": "bị trả lại",
    "issued": "đã cấp giấy, chờ nộp",
    "arriving": "đã nộp giấy, chờ tiếp nhận",
    "received": "đã tiếp nhận",
    "active": "đang sinh hoạt tạm thời",
    "closed": "đã kết thúc tạm thời",
    "outside": "đã cấp giấy (ngoài hệ thống)",
    "cancelled": "đã hủy",
}
TRANSFER_EVENT = {
    "submitted": "gửi yêu cầu",
    "resubmitted": "gửi lại yêu cầu",
    "approved": "đồng ý",
    "routed": "chọn nơi đến",
    "routed_outside": "xác nhận nơi đến ngoài hệ thống",
    "letter_issued": "cấp giấy giới thiệu",
    "letter_voided": "hủy giấy giới thiệu",
    "returned": "trả lại",
    "cancelled": "hủy yêu cầu",
    "presented": "nộp giấy giới thiệu",
    "received": "tiếp nhận",
    "temporary_started": "bắt đầu sinh hoạt tạm thời",
    "reminded": "nhắc hạn",
    "late": "quá hạn nộp giấy",
    "explained": "giải trình",
    "extension_requested": "xin gia hạn",
    "extended": "đồng ý gia hạn",
    "extension_declined": "không đồng ý gia hạn",
    "closed": "kết thúc sinh hoạt tạm thời",
}
TRANSFER_EVENT_LINE = "- {at}: {who}{action}{org}{note}"
TRANSFER_SYSTEM = "Trợ lý"

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
# --- notify: delivery problems, broadcasts ---
MEMBER_UNREACHABLE = (
    "Tin nhắn của bot không đến được đảng viên {name} ({phone}, {cell}): "
    "có thể đồng chí ấy đã chặn hoặc bỏ ứng dụng. Đồng chí liên hệ trực tiếp giúp nhé."
)
# The secretary's list of members the bot cannot reach.
CONTACT_TITLE = "Cần liên hệ trực tiếp"
CONTACT_SYNONYMS = ("lien he truc tiep", "khong nhan duoc tin", "chua dung bot", "ai chua dung bot")
CONTACT_NONE = (
    "Bot đang nhắn được cho mọi đảng viên đồng chí phụ trách. Không ai cần liên hệ trực tiếp."
)
CONTACT_HEAD = (
    "Bot không nhắn được cho {count} đồng chí dưới đây. "
    "Đồng chí gọi điện hoặc gặp trực tiếp giúp nhé:"
)
CONTACT_LINE = "{n}. {name} — {phone} — {why}"
CONTACT_BLOCKED = "đã chặn hoặc bỏ bot"
CONTACT_NEVER_JOINED = "chưa dùng bot"
CONTACT_NO_PHONE = "chưa có số điện thoại"
CONTACT_MORE = "… và {count} đồng chí nữa."

# Broadcasts: a secretary's or committee office's announcement to their members.
BROADCAST_TITLE = "Gửi thông báo"
BROADCAST_HELP = (
    "Thông báo đến mọi đảng viên của đơn vị đang dùng bot, gửi dần và không gửi ban đêm. "
    "Người chưa dùng bot thì đồng chí cần báo trực tiếp."
)
BROADCAST_PICK_ORG = "Đồng chí muốn gửi thông báo tới đảng viên của đơn vị nào?"
BROADCAST_PROGRESS_OPTION = "Xem thông báo đã gửi"
BROADCAST_ASK_TEXT = (
    "Đồng chí gõ nội dung thông báo (tối đa {limit} ký tự). Tin gửi đi đúng như đồng chí gõ."
)
BROADCAST_NOTICE = "Thông báo của {org} (đồng chí {sender} gửi):\n{text}"
BROADCAST_PREVIEW = (
    "Đảng viên sẽ nhận được tin như sau:\n\n{notice}\n\n"
    "Gửi tới {reachable} đảng viên; {unreachable} đảng viên chưa dùng bot, cần báo trực tiếp. "
    "Gửi ngay ạ?"
)
BROADCAST_SEND = "Gửi ngay"
BROADCAST_EDIT = "Sửa thông báo"
BROADCAST_NOBODY = (
    "Chưa có đảng viên nào của {org} dùng bot nên chưa gửi được. Đồng chí báo trực tiếp giúp nhé."
)
BROADCAST_NOT_ALLOWED = "Đồng chí không còn quyền gửi thông báo cho đơn vị này."
BROADCAST_QUEUED = (
    "Đã xếp hàng gửi tới {count} đảng viên. Tin đi dần, không gửi ban đêm; "
    "gửi xong tôi sẽ báo đồng chí."
)
BROADCAST_NONE_YET = "Đồng chí chưa gửi thông báo nào."
BROADCAST_PROGRESS_LINE = (
    "• {date} «{snippet}»: đã nhận {sent}/{recipients}, đang chờ {queued}, "
    "không gửi được {failed}, chưa dùng bot {skipped}."
)
BROADCAST_FINISHED = (
    "Thông báo «{snippet}» đã gửi xong: {sent} người đã nhận, {failed} người không nhận được, "
    "{skipped} người chưa dùng bot. Những người chưa nhận được cần báo trực tiếp."
)

# --- telegram ---
# Said outside the engine, so written without a form of address (the engine swaps "Bác").
TG_CONTACT_HINT = "Hoặc bấm nút «Chia sẻ số điện thoại» bên dưới để gửi số cho nhanh."
TG_PLACEHOLDER = "Bấm nút hoặc gõ câu trả lời"
TG_EDITED = (
    "Tôi đã nhận tin nhắn trước khi sửa. Nếu muốn đổi câu trả lời, xin gửi một tin nhắn mới ạ."
)
TG_FORWARDED = "Tôi không đọc tin nhắn chuyển tiếp. Xin tự gõ câu trả lời ạ."
TG_GROUP = "Tôi chỉ làm việc trong tin nhắn riêng. Xin bấm vào tên tôi rồi nhắn riêng cho tôi ạ."

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

# --- notify: delivery problems, broadcasts ---
MEMBER_UNREACHABLE = (
    "Tin nhắn của bot không đến được đảng viên {name} ({phone}, {cell}): "
    "có thể đồng chí ấy đã chặn hoặc bỏ ứng dụng. Đồng chí liên hệ trực tiếp giúp nhé."
)

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

"""partybot — Trợ lý Đảng viên: party procedures, step by step, in Telegram and Zalo."""

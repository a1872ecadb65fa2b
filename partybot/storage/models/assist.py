"""A helper (tổ công nghệ cộng đồng) acting for a member, with the member's consent."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from partybot.storage.models.base import Base, utcnow


class AssistSession(Base):
    __tablename__ = "assist_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    consented_at: Mapped[datetime | None]
    consented_how: Mapped[str | None] = mapped_column(String(10))
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


Index("ix_assist_helper", AssistSession.helper_id, AssistSession.ended_at)

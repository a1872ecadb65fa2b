"""Dues categories (Quy định 01-QĐ/TW): the codes stored on a member, and how people write them."""

from enum import StrEnum

from partybot.services.textnorm import fold


class DuesCategory(StrEnum):
    SALARY = "salary"  # in compulsory social insurance: 1% of last month's insured salary
    BENEFIT = "benefit"  # on sickness/maternity benefit instead: 1% of the benefit
    PENSION = "pension"  # 0.5% of the pension
    STUDENT = "student"  # pupils and students: a flat amount
    NO_INCOME = "no_income"  # neither insurance nor pension: a share of the regional minimum wage
    ABROAD_ALLOWANCE = "abroad_allowance"  # missions abroad: 1% of the living allowance
    ABROAD_OTHER = "abroad_other"  # other members abroad: a set amount
    SOCIAL_PENSION = "social_pension"  # on the state social pension: exempt


WORDS = {
    "luong": DuesCategory.SALARY,
    "bhxh": DuesCategory.SALARY,
    "tien luong": DuesCategory.SALARY,
    "dong bhxh": DuesCategory.SALARY,
    "om dau thai san": DuesCategory.BENEFIT,
    "tro cap bhxh": DuesCategory.BENEFIT,
    "huu": DuesCategory.PENSION,
    "huu tri": DuesCategory.PENSION,
    "luong huu": DuesCategory.PENSION,
    "hoc sinh": DuesCategory.STUDENT,
    "sinh vien": DuesCategory.STUDENT,
    "hoc sinh sinh vien": DuesCategory.STUDENT,
    "khong co luong": DuesCategory.NO_INCOME,
    "khong luong": DuesCategory.NO_INCOME,
    "khac": DuesCategory.NO_INCOME,
    "luong toi thieu vung": DuesCategory.NO_INCOME,
    "sinh hoat phi": DuesCategory.ABROAD_ALLOWANCE,
    "o nuoc ngoai": DuesCategory.ABROAD_OTHER,
    "nuoc ngoai": DuesCategory.ABROAD_OTHER,
    "tro cap huu tri xa hoi": DuesCategory.SOCIAL_PENSION,
    "huu tri xa hoi": DuesCategory.SOCIAL_PENSION,
}


def parse_category(text: str) -> DuesCategory | None:
    """A category code ("pension") or a Vietnamese name ("Hưu trí"); None if unknown."""
    folded = fold(text)
    try:
        return DuesCategory(folded.replace(" ", "_"))
    except ValueError:
        return WORDS.get(folded)

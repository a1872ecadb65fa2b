"""How long the transfer destination search takes as the roster grows (a ward to a city).

Builds a migrated SQLite database with N chi bộ under N/20 wards (names like the demo's), then
times `org_search.search` for typical queries. The same-run baseline is rapidfuzz's WRatio over
the raw names already in memory: the cost of the scorer alone, without the database read and
the folding. Run: .venv/bin/python bench/transfer_search.py [N ...]
"""

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process

from partybot.services import org_search
from partybot.storage.db import Database
from partybot.storage.models import Organisation, OrgKind

QUERIES = ["P. Yên Hòa", "kdc 1 cau giay", "to dan pho so 17 phuong nghia do", "thcs"]
WARDS = ["Yên Hòa", "Cầu Giấy", "Nghĩa Đô", "Dịch Vọng", "Mai Dịch", "Láng", "Ô Chợ Dừa"]
KINDS = ["Tổ dân phố số", "Khu dân cư số", "Trường THCS", "Thôn"]


async def build(db: Database, cells: int) -> list[str]:
    names = []
    async with db.transaction() as session:
        city = Organisation(code="TU", name="Thành ủy", kind=OrgKind.CITY)
        session.add(city)
        await session.flush()
        wards = []
        for index in range(max(cells // 20, 1)):
            ward = WARDS[index % len(WARDS)] + (f" {index // len(WARDS)}" if index >= 7 else "")
            org = Organisation(
                code=f"DU{index}", name=f"Đảng ủy phường {ward}", kind=OrgKind.COMMITTEE
            )
            org.parent_id = city.id
            session.add(org)
            wards.append(org)
        await session.flush()
        for index in range(cells):
            ward = wards[index % len(wards)]
            name = f"Chi bộ {KINDS[index % len(KINDS)]} {index % 40 + 1}"
            session.add(
                Organisation(code=f"CB{index}", name=name, kind=OrgKind.CELL, parent_id=ward.id)
            )
            names.append(f"{name} {ward.name}")
    return names


async def measure(cells: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await db.upgrade()
        names = await build(db, cells)
        ours, baseline = [], []
        for _ in range(5):
            for query in QUERIES:
                start = time.perf_counter()
                async with db.transaction() as session:
                    await org_search.search(session, query)
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                process.extract(query, names, scorer=fuzz.WRatio, limit=4)
                baseline.append(time.perf_counter() - start)
        await db.dispose()
    return statistics.median(ours), statistics.median(baseline)


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [100, 1_000, 10_000]
    print(f"{'chi bộ':>8}  {'search (ms)':>12}  {'WRatio only (ms)':>17}")
    for cells in sizes:
        ours, baseline = asyncio.run(measure(cells))
        print(f"{cells:>8}  {ours * 1000:>12.1f}  {baseline * 1000:>17.1f}")


if __name__ == "__main__":
    main()

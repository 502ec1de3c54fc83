"""Synthetic department reports: the standard organs of local government (parsers/data/organs.tsv) in invented
regions, with the template's tables — what most real annual reports are (docs/template.md, "Offices").

The numbers and the layout come from parsers.synthetic (make_report, render); only the issuing office is
chosen here: an invented county of one of the synthetic cities + one standard department. Office i is always
the same office, so a question can be written for it, and no two offices share a name.

    python -m parsers.synthetic_departments OUT_DIR [--offices N] [--years 2021 2022]
"""

import argparse
import sys
from pathlib import Path

from parsers.organs import organ_table
from parsers.synthetic import REGIONS, Format, SyntheticReport, make_report, render

# invented county names: two characters from this list (none with 省/市/县/区, none a real place)
_SYLLABLES = "澄枫蔚汀苇泊棠芸蘅岫湄琮翊晗瑜璟珂瑶芷莳檀菁蓁濯漪澹沅泠溆岑崧峄屺岷峤嵘璞琰珩瑾璎"
_PER_COUNTY = 8  # departments per invented county: a region has several offices, as real ones do


def standard_departments() -> list[str]:
    """The department organs of the table, in its order (民政局, 财政局, 人力资源和社会保障局 …)."""
    return [o.full for o in organ_table().values() if o.kind == "department"]


def department_office(i: int) -> tuple[str, str, str]:
    """(office, city + county, organ) of department office i: county i // 8, in city (i // 8) % 6."""
    cities = [r for r in REGIONS if r.endswith("市")]
    county_no, slot = divmod(i, _PER_COUNTY)
    n = len(_SYLLABLES)
    city = cities[county_no % len(cities)]
    stem_no = county_no  # every county name once, in one city: 澄蔚县 names one county
    if stem_no >= n * n:
        raise ValueError(f"at most {n * n * _PER_COUNTY} distinct synthetic department offices")
    county = f"{_SYLLABLES[stem_no // n]}{_SYLLABLES[stem_no % n]}县"
    organs = standard_departments()
    organ = organs[(county_no * 5 + slot) % len(organs)]  # each county a different mix of departments
    return f"{city}{county}{organ}", f"{city}{county}", organ


def department_report(i: int, year: int) -> SyntheticReport:
    """Office i's report for `year`, with tables whose numbers obey every template rule."""
    report = make_report(i * 31 + year, year=year)
    org = department_office(i)[0]
    return report.model_copy(
        update={
            "org": org,
            "title": report.title.replace(report.org, org),
            "sections": {k: v.replace(report.org, org) for k, v in report.sections.items()},
        }
    )


def write_department_reports(folder: Path, offices: int, years: list[int], fmt: Format = "txt") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(offices):
        for year in years:
            path = folder / f"department_{i:05d}_{year}.{fmt}"
            path.write_bytes(render(department_report(i, year), fmt))
            paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--offices", type=int, default=40)
    ap.add_argument("--years", type=int, nargs="+", default=[2022, 2023])
    ap.add_argument("--format", default="txt")
    args = ap.parse_args(argv)
    paths = write_department_reports(args.out, args.offices, args.years, args.format)
    print(f"wrote {len(paths)} reports of {args.offices} department offices to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

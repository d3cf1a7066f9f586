"""Monthly bank statements (checking + savings) with transaction tables, ending at target balances."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Sequence

from .common import (S, Letterhead, PageBreak, Paragraph, Spacer, Table, TableStyle, build_doc, colors, esc, inch,
                     money, rng)


@dataclass
class Account:
    holder: str
    address: list[str]
    checking_no: str
    savings_no: str
    checking_end: float            # balance at the end of the last month
    savings_end: float
    payer: str                     # payroll description
    net_pay: float
    first_payday: dt.date          # a payday; others every 14 days
    bills: list[tuple[int, str, float]] = field(default_factory=list)   # (day of month, description, amount)
    shops: list[str] = field(default_factory=list)
    to_savings: float = 1000.0
    extras: list[tuple[dt.date, str, float]] = field(default_factory=list)  # one-off (+deposit / -withdrawal)
    apy: float = 3.9


def _month_tx(a: Account, year: int, month: int, r) -> list[tuple[dt.date, str, float]]:
    last = calendar.monthrange(year, month)[1]
    tx: list[tuple[dt.date, str, float]] = []
    d = a.first_payday
    while d > dt.date(year, month, 1):
        d -= dt.timedelta(days=14)
    while d <= dt.date(year, month, last):
        if d.month == month:
            tx.append((d, f"DIRECT DEP {a.payer} PAYROLL", a.net_pay))
        d += dt.timedelta(days=14)
    for day, desc, amt in a.bills:
        jitter = 0 if "RENT" in desc or "TRANSFER" in desc else r.uniform(-0.08, 0.08) * amt
        tx.append((dt.date(year, month, min(day, last)), desc, -round(amt + jitter, 2)))
    for _ in range(r.randint(7, 10)):
        day = r.randint(1, last)
        shop = r.choice(a.shops) if a.shops else "GROCERY"
        tx.append((dt.date(year, month, day), f"POS PURCHASE {shop}", -round(r.uniform(14, 135), 2)))
    tx.append((dt.date(year, month, min(16, last)), f"ONLINE TRANSFER TO SAVINGS {a.savings_no[-4:]}",
               -a.to_savings))
    for d_, desc, amt in a.extras:
        if (d_.year, d_.month) == (year, month):
            tx.append((d_, desc, amt))
    tx.sort(key=lambda t: (t[0], -t[2]))
    return tx


def bank_statements(path, lh: Letterhead, a: Account, months: Sequence[tuple[int, int]], seed: str) -> None:
    r = rng("bank", seed)
    per_month = [_month_tx(a, y, m, r) for y, m in months]
    # opening balances chosen so the last month closes at the target balances
    chk = a.checking_end - sum(t[2] for tx in per_month for t in tx)
    interest = [round((a.savings_end - 1000) * a.apy / 100 / 12, 2) for _ in months]
    sav = a.savings_end - sum(interest) - a.to_savings * len(months)
    story: list = []
    for i, ((y, m), tx) in enumerate(zip(months, per_month)):
        last = calendar.monthrange(y, m)[1]
        start, end = dt.date(y, m, 1), dt.date(y, m, last)
        if i:
            story.append(PageBreak())
        hdr = Table([[Paragraph("<br/>".join(esc(x) for x in [a.holder.upper(), *a.address]), S["sans"]),
                      Paragraph(f"<b>Statement period</b><br/>{start:%B %d, %Y} \u2013 {end:%B %d, %Y}<br/>"
                                f"<b>Primary account</b><br/>Everyday Checking ...{a.checking_no[-4:]}", S["sans"])]],
                    colWidths=[3.6 * inch, 3.0 * inch])
        hdr.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("BOX", (1, 0), (1, 0), 0.6, colors.HexColor("#9aa8b8")),
                                 ("BACKGROUND", (1, 0), (1, 0), colors.HexColor("#f2f5f9"))]))
        story += [hdr, Spacer(1, 10)]
        dep = sum(t[2] for t in tx if t[2] > 0)
        wd = -sum(t[2] for t in tx if t[2] < 0)
        chk_open = chk
        chk_close = round(chk + dep - wd, 2)
        sav_open = sav
        sav_close = round(sav + a.to_savings + interest[i], 2)
        summ = [["Account summary", "Beginning balance", "Deposits/credits", "Withdrawals/debits", "Ending balance"],
                [f"Everyday Checking ...{a.checking_no[-4:]}", money(chk_open), money(dep), money(wd), money(chk_close)],
                [f"High-Yield Savings ...{a.savings_no[-4:]}", money(sav_open), money(a.to_savings + interest[i]),
                 money(0), money(sav_close)],
                ["Total", money(chk_open + sav_open), "", "", money(chk_close + sav_close)]]
        ts = Table(summ, colWidths=[2.0 * inch, 1.2 * inch, 1.15 * inch, 1.25 * inch, 1.1 * inch])
        ts.setStyle(_grid(len(summ), header="#1d4f7a", total=True, desc_col=0))
        story += [ts, Spacer(1, 12), Paragraph(f"<b>Everyday Checking ...{a.checking_no[-4:]} \u2014 transactions</b>",
                                               S["sans"])]
        rows = [["Date", "Description", "Withdrawals", "Deposits", "Balance"],
                [start.strftime("%m/%d"), "Beginning balance", "", "", money(chk_open)]]
        bal = chk_open
        for d, desc, amt in tx:
            bal = round(bal + amt, 2)
            rows.append([d.strftime("%m/%d"), desc, money(-amt) if amt < 0 else "", money(amt) if amt > 0 else "",
                         money(bal)])
        rows.append([end.strftime("%m/%d"), "Ending balance", "", "", money(bal)])
        tt = Table(rows, colWidths=[0.55 * inch, 3.35 * inch, 0.95 * inch, 0.9 * inch, 0.95 * inch], repeatRows=1)
        tt.setStyle(_grid(len(rows), header="#1d4f7a", stripes=True))
        story += [tt, Spacer(1, 12),
                  Paragraph(f"<b>High-Yield Savings ...{a.savings_no[-4:]} \u2014 transactions</b> "
                            f"(annual percentage yield earned {a.apy:.2f}%)", S["sans"])]
        srows = [["Date", "Description", "Withdrawals", "Deposits", "Balance"],
                 [start.strftime("%m/%d"), "Beginning balance", "", "", money(sav_open)],
                 [dt.date(y, m, min(16, last)).strftime("%m/%d"),
                  f"ONLINE TRANSFER FROM CHECKING {a.checking_no[-4:]}", "", money(a.to_savings),
                  money(sav_open + a.to_savings)],
                 [end.strftime("%m/%d"), "INTEREST PAYMENT", "", money(interest[i]), money(sav_close)]]
        tsv = Table(srows, colWidths=[0.55 * inch, 3.35 * inch, 0.95 * inch, 0.9 * inch, 0.95 * inch])
        tsv.setStyle(_grid(len(srows), header="#1d4f7a", stripes=True))
        story += [tsv]
        chk, sav = chk_close, sav_close
    assert abs(chk - a.checking_end) < 0.005 and abs(sav - a.savings_end) < 0.005, (chk, sav)

    def pageinfo(c, doc):
        c.saveState()
        c.setFont("Helvetica", 7)
        c.setFillColor(colors.HexColor("#666666"))
        c.drawString(0.9 * inch, 0.62 * inch, f"{a.holder.upper()}  \u2022  Account ...{a.checking_no[-4:]}")
        c.restoreState()

    build_doc(path, story, letterhead=lh, title=f"Account statements - {a.holder}", author=lh.name,
              on_page=pageinfo)


def _grid(n: int, header: str, stripes: bool = False, total: bool = False, desc_col: int = 1) -> TableStyle:
    st = [("FONT", (0, 0), (-1, -1), "Helvetica", 7.8),
          ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.8),
          ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
          ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(header)),
          ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
          ("ALIGN", (desc_col, 0), (desc_col, -1), "LEFT"),
          ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
          ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#9aa8b8")),
          ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d4dbe3"))]
    if stripes:
        st.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f6f9")]))
    if total:
        st += [("FONT", (0, n - 1), (-1, n - 1), "Helvetica-Bold", 7.8),
               ("LINEABOVE", (0, n - 1), (-1, n - 1), 0.9, colors.black)]
    return TableStyle(st)

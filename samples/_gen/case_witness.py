"""Evidence for samples/trial-witness: Rowena (Philippines) is needed as a witness at a federal trial in Las Vegas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .bank import Account, bank_statements
from .civil import certificate_es
from .common import (A4, LETTER, S, Letterhead, Paragraph, Spacer, Table, TableStyle, appointment_table, build_doc, colors,
                     inch, letter, signature_block)
from .court import court_order
from .forms import declaration
from .passport import PassportData
from .photos import passport_photo

D = dt.date
CASE_NO = "2:25-cr-00318-MAC-DJW"

USAO = Letterhead(
    "U.S. Department of Justice", ["United States Attorney \u00b7 District of Nevada",
                                   "Federal Plaza Office Building, Suite 1100, Las Vegas, Nevada 89101",
                                   "Tel. (702) 555-0110 \u00b7 Fax (702) 555-0111"],
    color="#1b2a4a", logo="seal", font="Times-Bold", footer="")

SCHOOL = Letterhead(
    "Mabolo Integrated National High School", ["Republic of the Philippines \u00b7 Department of Education",
                                               "Region VII \u2013 Central Visayas \u00b7 Schools Division of Cebu City",
                                               "M. J. Cuenco Avenue, Mabolo, Cebu City 6000 \u00b7 Tel. (032) 555 0106 \u00b7 "
                                               "mabolo.inhs@example.org"],
    color="#1c3f8c", logo="MIN", footer="Mabolo Integrated National High School \u00b7 Cebu City, Philippines")

EMPLOYER = Letterhead(
    "Silver Mesa Resort & Casino", ["Team Member Services \u00b7 Employment Verification",
                                    "4100 Silver Mesa Parkway, Henderson, NV 89052", "Tel. (702) 555-0178 \u00b7 tms@example.org"],
    color="#505a66", logo="SM", footer="Silver Mesa Resort & Casino (fictional)")

BANK = Letterhead(
    "High Desert National Bank", ["P.O. Box 96120, Las Vegas, NV 89193", "Customer care (702) 555-0131 \u00b7 example.org/hdnb"],
    color="#7a4a1d", logo="bank", footer="Member FDIC (fictional) \u00b7 High Desert National Bank")

VISA = Letterhead(
    "Nonimmigrant Visa Appointment Service \u2014 Philippines", ["U.S. Embassy Manila, Consular Section",
                                                                 "Appointment confirmation (printout)"],
    color="#22466e", logo="cross", footer="Printout of an online page (fictional)")


def generate(out: Path) -> None:
    usao(out / "usao-letter.pdf")
    order(out / "trial-order.pdf")
    statement(out / "declaration.pdf")
    school(out / "employment-certificate.pdf")
    appointment(out / "visa-appointment.pdf")
    employer(out / "employer-letter.pdf")
    bank(out / "bank-statements.pdf")
    births(out)
    photos(out)


def usao(path):
    paras = [
        "I am the Assistant United States Attorney responsible for the prosecution of <i>United States v. Dalton R. "
        f"Whitcomb and Marivic L. Tolentino</i>, Case No. {CASE_NO}, pending in the United States District Court for "
        "the District of Nevada. The defendants are charged with conspiracy to commit wire fraud and visa fraud "
        "(18 U.S.C. 1349 and 1546) in connection with a recruitment scheme that, between 2022 and 2024, took more than "
        "$1.6 million in illegal placement fees from over 140 teachers in the Philippines who were promised teaching "
        "positions in U.S. public schools that did not exist.",
        "<b>Ms. Rowena Santos Macaraeg</b> (date of birth April 17, 1987), a public high-school teacher in Cebu City, "
        "is a victim of the charged scheme and an essential witness for the United States. She dealt directly with "
        "both defendants, paid $9,450 in fees, gave the investigating agents her original receipts, messages and "
        "contracts in 2024, and organized the complaints of thirty-one other victims. Her testimony is needed to authenticate those records, to identify "
        "the defendants, and to describe the representations they made. No other witness can give this evidence.",
        "The Court has set the jury trial to begin on <b>February 22, 2027</b> (order of October 6, 2026, enclosed). We "
        "expect to call Ms. Macaraeg during the first week of trial and need her in Las Vegas from February 15, 2027 "
        "for witness preparation. Trial is expected to last three weeks. Because federal trial dates are often moved "
        "and witnesses may be recalled, we support parole for a period of two months.",
        "Ms. Macaraeg is not a subject or target of this investigation. In our judgment her live testimony before the jury is in the "
        "significant public interest of the United States, and <b>this Office supports her request for parole</b>. "
        "The government will pay her round-trip airfare and the statutory witness attendance fee and subsistence "
        "allowance (28 U.S.C. 1821) for the days of her attendance.",
        "Ms. Macaraeg has been told that parole would be granted only for the purpose of her testimony and that she "
        "must depart the United States when it ends. She has complied fully with every request of this Office and of "
        "the investigating agents since 2024. We have not asked U.S. Immigration and Customs Enforcement to parole her through its law-enforcement "
        "parole unit: she has applied herself, and we support her request to USCIS so that only one request is pending.",
        "Please direct any questions to me or to our Victim-Witness Coordinator, Ms. Angela Ruiz, at (702) 555-0114.",
    ]
    letter(path, USAO, D(2026, 11, 12), paras, "Caroline J. Mercer",
           ["Assistant United States Attorney", "District of Nevada",
            "Tel. (702) 555-0112 \u00b7 caroline.mercer@example.org"],
           to=["U.S. Citizenship and Immigration Services", "Attn: Humanitarian Parole"],
           re=[f"Rowena Santos Macaraeg \u2014 witness, <i>United States v. Whitcomb</i>, No. {CASE_NO}"],
           salutation="Dear Officer:", closing="Respectfully,", title="Letter of the U.S. Attorney's Office")


def order(path):
    court_order(
        path, ["UNITED STATES DISTRICT COURT", "DISTRICT OF NEVADA"],
        ["UNITED STATES OF AMERICA,", "", "                    Plaintiff,", "", "          v.", "",
         "DALTON R. WHITCOMB and", "MARIVIC L. TOLENTINO,", "", "                    Defendants."],
        CASE_NO, ["ORDER GRANTING STIPULATION TO", "CONTINUE TRIAL AND SETTING", "TRIAL DATE (Fourth Request)"],
        ["Based on the stipulation of the parties (ECF No. 139) and good cause appearing, the Court finds that the "
         "ends of justice served by granting the continuance outweigh the best interest of the public and the "
         "defendants in a speedy trial, because defense counsel need additional time to review voluminous "
         "discovery, including foreign financial records, and the government needs time to arrange the travel of "
         "witnesses who reside abroad. The period of delay is excluded under 18 U.S.C. 3161(h)(7)(A).",
         ">IT IS THEREFORE ORDERED that the jury trial currently set for October 19, 2026 is VACATED and RESET "
         "to Monday, February 22, 2027, at 9:00 a.m., in Courtroom 6C.",
         ">IT IS FURTHER ORDERED that calendar call is set for February 16, 2027, at 9:00 a.m.; motions in limine "
         "are due January 22, 2027; and the parties shall file proposed jury instructions and witness lists by "
         "February 5, 2027.",
         ">IT IS FURTHER ORDERED that no further continuances will be granted absent extraordinary circumstances."],
        "Miriam A. Castellanos", D(2026, 10, 6), ecf="142", filed=D(2026, 10, 6))


def statement(path):
    paras = [
        "I am a citizen of the Philippines. I live at Lot 14, Block 3, Mabolo Heights Subdivision, Cebu City, with my "
        "husband and our two children, aged eleven and eight. Since 2012 I have taught English at Mabolo Integrated "
        "National High School, a public school in Cebu City. I make this declaration in support of my own request for "
        "parole.",
        "In 2023 I paid $9,450 in placement fees to a company that promised me a teaching job in a public school in "
        "Nevada. The job and the work visa never existed. More than 140 teachers in the Philippines lost money in the "
        "same way. In 2024 I gave my receipts, contracts and messages to U.S. investigators, and I helped thirty-one "
        "other teachers to file their complaints.",
        "The two people who ran the company have been charged in the United States District Court for the District of "
        "Nevada. The trial begins on February 22, 2027. The U.S. Attorney's Office has asked me to testify in person "
        "and needs me in Las Vegas from February 15, 2027 to prepare. I ask for parole for two months, from February 15 "
        "to April 15, 2027, because the trial is expected to last three weeks and its dates may change.",
        "I started a B-1/B-2 visa application for this trip, but when I booked its interview at the U.S. "
        "Embassy in Manila on November 16, 2026, the first appointment available was October 14, 2027, almost eight "
        "months after the trial begins. The U.S. Attorney's Office supports my request for parole.",
        "The government will pay my airfare and the witness allowance for the days I attend court. My brother, Paolo "
        "Santos Macaraeg, a U.S. citizen who lives in Henderson, Nevada, will let me stay in his home and will pay for "
        "anything else I need.",
        "I will return to the Philippines as soon as my testimony is finished. My school has given me leave until "
        "April 30, 2027, and I must be back to prepare for the new school year. My husband, our children and our home "
        "are in Cebu City.",
        "I have never been arrested, charged or convicted of any crime in any country. I have never been to the "
        "United States and have never been in removal proceedings. My only U.S. visa application is the B-1/B-2 application I started for this trip on "
        "November 16, 2026, whose interview is set for October 14, 2027.",
        "Because the trial date is fixed and I must be in Las Vegas a week before it begins, I ask that my request be "
        "decided before February 1, 2027, so that I can make travel arrangements with the U.S. Attorney's Office.",
    ]
    declaration(path, "Declaration of Rowena Santos Macaraeg", "Rowena Santos Macaraeg",
                "I, <b>Rowena Santos Macaraeg</b>, declare as follows:", paras, "Cebu City, Philippines", D(2026, 11, 20),
                ["Lot 14, Block 3, Mabolo Heights Subdivision, Cebu City 6000, Philippines",
                 "+63 917 555 0108 \u00b7 rowena.macaraeg@example.org"])


def school(path):
    story = [Spacer(1, 6), Paragraph("<b>CERTIFICATE OF EMPLOYMENT</b>", S["h1"]), Spacer(1, 10),
             Paragraph("<b>TO WHOM IT MAY CONCERN:</b>", S["bodyL"]), Spacer(1, 4),
             Paragraph("This is to certify that <b>MRS. ROWENA S. MACARAEG</b> is a permanent employee of the Department "
                       "of Education, assigned to Mabolo Integrated National High School, Schools Division of Cebu City, "
                       "with the following service record:", S["body"]), Spacer(1, 4)]
    t = Table([["Position", "Teacher III (English)"], ["Status of appointment", "Permanent"],
               ["Date of original appointment", "June 4, 2012"], ["Salary grade / monthly basic salary", "SG 13 \u00b7 PHP 36,619.00"],
               ["Approved leave", "February 8, 2027 to April 30, 2027 (vacation and special leave)"],
               ["Expected return to duty", "May 3, 2027"]],
              colWidths=[2.4 * inch, 3.9 * inch])
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Times-Roman", 10.5), ("FONT", (0, 0), (0, -1), "Times-Bold", 10.5),
                           ("BOX", (0, 0), (-1, -1), 0.6, colors.black), ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story += [t, Spacer(1, 10),
              Paragraph("Mrs. Macaraeg has no pending administrative case and is in good standing. Her leave was approved "
                        "so that she may appear as a witness in a court proceeding in the United States of America; her "
                        "teaching position is kept for her during the leave.", S["body"]),
              Paragraph("This certification is issued upon the request of the above-named for whatever legal purpose it may "
                        "serve. Issued this 4th day of November 2026 at Cebu City, Philippines.", S["body"])]
    story += signature_block("Ma. Theresa D. Villarosa, EdD", ["School Principal IV"], closing="")
    build_doc(path, story, pagesize=A4, letterhead=SCHOOL, title="Certificate of employment - Rowena S. Macaraeg",
              author=SCHOOL.name)


def appointment(path):
    rows = [["Applicant", "MACARAEG, ROWENA SANTOS"], ["Passport number", "P4829173B"],
            ["DS-160 confirmation", "AA00H9XQ4M"], ["Visa class", "B-1/B-2 (business / tourism)"],
            ["Location", "U.S. Embassy Manila, Roxas Boulevard"],
            ["Interview appointment", "Thursday, October 14, 2027 at 08:15"],
            ["Earliest date offered when booked", "October 14, 2027 (booked November 16, 2026 at 21:42 PHT)"],
            ["Expedited appointment request", "Not submitted \u2014 see note below"]]
    t = appointment_table(rows)
    story = [Paragraph("<b>Your appointment is confirmed</b>", S["h2"]),
             Paragraph("Print this page and bring it to your interview together with your passport and DS-160 "
                       "confirmation page.", S["sans"]), Spacer(1, 6), t, Spacer(1, 10),
             Paragraph("<b>Estimated wait time</b> for a nonimmigrant visitor visa interview appointment at U.S. Embassy "
                       "Manila, as displayed on November 16, 2026: <b>332 calendar days</b>.", S["sans"]),
             Paragraph("<b>Note:</b> expedited appointments are considered for urgent, unforeseen travel such as medical "
                       "emergencies or funerals. Applicants whose travel is requested by a U.S. government agency should "
                       "follow the instructions of that agency.", S["sans"]),
             Spacer(1, 30),
             Paragraph("https://appointments.example.org/ph/confirmation?ref=AA00H9XQ4M \u00b7 page 1 of 1 \u00b7 "
                       "printed 11/16/2026", S["sansS"])]
    build_doc(path, story, letterhead=VISA, title="Visa appointment confirmation", author=VISA.name)


def employer(path):
    paras = [
        "This letter verifies the employment of <b>Paolo Santos Macaraeg</b> with Silver Mesa Resort & Casino.",
        Table([["Job title", "Senior Revenue Analyst, Finance"], ["Status", "Full-time, regular"],
               ["Hire date", "August 20, 2016"], ["Annual base pay", "$84,200.00"],
               ["Pay frequency", "Bi-weekly"]], colWidths=[2.0 * inch, 4.4 * inch],
              style=TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9.5), ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9.5),
                                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                                ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef0f2"))])),
        Spacer(1, 8),
        "Mr. Macaraeg's employment is ongoing and in good standing. This letter is provided at his request and does not "
        "guarantee future employment.",
    ]
    letter(path, EMPLOYER, D(2026, 11, 6), paras, "Lauren B. Okafor",
           ["Manager, Team Member Services", "Silver Mesa Resort & Casino"], title="Employment verification")


def bank(path):
    a = Account(holder="Paolo S. Macaraeg", address=["2719 Amber Ridge Drive", "Henderson NV 89052-4410"],
                checking_no="3306128847", savings_no="3306128855", checking_end=5180.00, savings_end=27500.00,
                payer="SILVER MESA RESORT", net_pay=2468.91, first_payday=D(2026, 10, 22),
                bills=[(3, "ACH DEBIT DESERT HOME MORTGAGE", 1985.00), (7, "ACH DEBIT NV ENERGY SVC", 214.00),
                       (10, "ACH DEBIT HENDERSON WATER", 72.00), (13, "ACH DEBIT SUMMIT AUTO LOAN", 389.00),
                       (18, "ACH DEBIT CANYON WIRELESS", 118.00), (26, "LBC EXPRESS REMIT PHILIPPINES", 250.00)],
                shops=["SEAFOOD CITY SUPERMARKET", "SMITH'S FOOD #301", "COSTCO WHSE #0642", "SHELL HENDERSON",
                       "SEPHORA GALLERIA", "JOLLIBEE LV", "TARGET T-2147"],
                to_savings=800.00)
    bank_statements(path, BANK, a, [(2026, 9), (2026, 10)], seed="paolo")


# Paolo's and Rowena's birth records as issued by the Philippine Statistics Authority (in English, as PSA copies
# are): the same parents on both, so Paolo is Rowena's brother. The mother's maiden surname, Santos, is the middle
# name of both children, as Philippine practice has it.
PARENTS = [("MOTHER", "LOURDES REYES SANTOS", "1960-02-11"), ("FATHER", "ERNESTO VILLANUEVA MACARAEG", "1955-11-30")]


def _psa(name: str, sex: str, born: dt.date, registry: str, registered: dt.date, secpa: str, batch: str,
         requester: str) -> dict:
    def age(iso):
        b = dt.date.fromisoformat(iso)
        return str(born.year - b.year - ((born.month, born.day) < (b.month, b.day)))

    (_, mother, mother_born), (_, father, father_born) = PARENTS
    return {
        "header": ["REPUBLIC OF THE PHILIPPINES", "PHILIPPINE STATISTICS AUTHORITY",
                   "Office of the Civil Registrar General"],
        "title": "CERTIFICATE OF LIVE BIRTH",
        "reg": [("Registry No.", registry), ("City/Municipality", "CEBU CITY"), ("Province", "CEBU"),
                ("Date of registration", registered.strftime("%d %b %Y").upper())],
        "sections": [
            ("CHILD", [("Name (first, middle, last)", name), ("Sex", sex),
                       ("Date of birth", born.strftime("%d %B %Y").upper().lstrip("0")),
                       ("Place of birth", "CEBU CITY MEDICAL CENTER, CEBU CITY, CEBU")]),
            ("MOTHER", [("Maiden name (first, middle, last)", mother), ("Citizenship", "FILIPINO"),
                        ("Age at the time of this birth", age(mother_born))]),
            ("FATHER", [("Name (first, middle, last)", father), ("Citizenship", "FILIPINO"),
                        ("Age at the time of this birth", age(father_born))]),
            ("MARRIAGE OF PARENTS", [("Date and place", "12 JUNE 1982, CEBU CITY, CEBU")]),
        ],
        "notes_title": "REMARKS:",
        "notes": "None.",
        "closing": "This is a true transcription from the Certificate of Live Birth on file in this Office. Issued on "
                   f"18 November 2026 upon the request of {requester} for whatever legal purpose it may serve.",
        "registrar": ("Renato D. Villareal", "Civil Registrar General"),
        "seal_text": "PHILIPPINE STATISTICS AUTHORITY \u00b7 CIVIL REGISTRATION \u00b7",
        "code": f"SECPA No. {secpa} \u00b7 Batch {batch}",
        "verify": "Not valid without the PSA security paper and dry seal.",
        "color": "#1c3f8c",
    }


def births(out: Path):
    certificate_es(out / "birth-certificate-paolo.pdf",
                   _psa("PAOLO SANTOS MACARAEG", "MALE", D(1983, 9, 2), "83-3391", D(1983, 9, 20), "E 0417 2264",
                        "2611-1842-08", "PAOLO SANTOS MACARAEG"), pagesize=LETTER)
    certificate_es(out / "birth-certificate-rowena.pdf",
                   _psa("ROWENA SANTOS MACARAEG", "FEMALE", D(1987, 4, 17), "87-1196", D(1987, 5, 4), "E 0417 2263",
                        "2611-1842-07", "ROWENA SANTOS MACARAEG"), pagesize=LETTER)


def photos(out: Path):
    passport_photo(out / "rowena-passport.jpg",
                   PassportData("PHL", "P4829173B", "Macaraeg", "Rowena", D(1987, 4, 17), "F", "Cebu City",
                                D(2023, 1, 10), D(2033, 1, 9), middle="Santos"),
                   seed="rowena", angle=1.6, background="laminate", orientation=6, size=(1650, 2200), scale=0.76)
    passport_photo(out / "paolo-us-passport.jpg",
                   PassportData("USA", "A61109582", "Macaraeg", "Paolo Santos", D(1983, 9, 2), "M", "Philippines",
                                D(2025, 2, 3), D(2035, 2, 2)),
                   seed="paolo", angle=-3.4, background="wood", size=(1200, 1600), scale=0.8)

"""Evidence for samples/child-surgery: Mateo (7) needs heart surgery in Houston; his mother Ana accompanies him."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .bank import Account, bank_statements
from .civil import _seal, translated_certificate
from .common import (A4, S, Drawn, Letterhead, PageBreak, Paragraph, Spacer, Table, TableStyle, appointment_table, build_doc,
                     colors, esc, fare_table, flight_table, inch, letter, signature_block, translated_letter)
from .forms import cost_estimate, declaration
from .passport import PassportData, booklet_size, draw_booklet
from .photos import passport_photo, refusal_photo

D = dt.date

HOSPITAL_HN = Letterhead(
    "Hospital Infantil Centroamericano", ["Servicio de Cardiología Pediátrica \u00b7 Pediatric Cardiology Service",
                                          "Boulevard Suyapa, Colonia Florencia Norte, Tegucigalpa, M.D.C., Honduras",
                                          "Tel. +504 2555 0110 \u00b7 cardiopediatria@example.org"],
    color="#0f5c4d", logo="heart", footer="Hospital Infantil Centroamericano \u00b7 Tegucigalpa, Honduras")

HOSPITAL_US = Letterhead(
    "Gulf Coast Children's Hospital", ["Heart Center \u00b7 International Patient Services",
                                       "2450 Holly Hall Street, Houston, TX 77054",
                                       "Tel. (713) 555-0160 \u00b7 Fax (713) 555-0161 \u00b7 international@example.org"],
    color="#1f4e79", logo="cross", footer="Gulf Coast Children's Hospital \u00b7 Houston, Texas")

EMPLOYER = Letterhead(
    "Bayou Regional Medical Center", ["Human Resources \u00b7 Employment Verification",
                                      "1800 Old Spanish Trail, Houston, TX 77054",
                                      "Tel. (713) 555-0175 \u00b7 hr.verify@example.org"],
    color="#6b2d5c", logo="BRM", footer="Bayou Regional Medical Center \u00b7 an equal opportunity employer")

BANK = Letterhead(
    "Fannin Community Bank", ["P.O. Box 20418, Houston, TX 77225", "Customer service (713) 555-0133 \u00b7 example.org/fcb"],
    color="#1d4f7a", logo="bank", footer="Member FDIC (fictional) \u00b7 Fannin Community Bank")


def generate(out: Path) -> None:
    doctor_letter(out / "doctor-letter.pdf")
    acceptance(out / "us-hospital-acceptance.pdf")
    estimate(out / "us-hospital-estimate.pdf")
    employer(out / "employer-letter.pdf")
    bank(out / "bank-statements.pdf")
    statement(out / "petitioner-statement.pdf")
    father_consent(out)
    school_letter(out)
    flight_reservation(out / "flight-reservation.pdf")
    appointment(out / "visa-appointment.pdf")
    birth(out)
    photos(out)


def doctor_letter(path):
    paras = [
        "I am the treating pediatric cardiologist of <b>Mateo Andrés Reyes Castillo</b>, born July 2, 2019, whom I have "
        "followed at the Pediatric Cardiology Service of this hospital since he was three weeks old. I write in "
        "support of his request for humanitarian parole so that he can undergo heart surgery in the United States.",
        "<b>Diagnosis.</b> Mateo has tetralogy of Fallot with pulmonary atresia and major aortopulmonary collateral "
        "arteries (MAPCAs), confirmed by echocardiography and by CT angiography on August 21, 2026. A palliative "
        "modified Blalock-Taussig shunt was placed in March 2020 by a visiting surgical brigade. The shunt is now "
        "insufficient for his size.",
        "<b>Current condition.</b> Over the last six months his resting oxygen saturation has fallen from 84% to "
        "between 72% and 75%. His hematocrit is 61%. He tires after walking about fifty metres, squats to rest, and "
        "had two hypercyanotic spells in September 2026 that required emergency care.",
        "<b>Prognosis.</b> Without surgical unifocalization of the collateral arteries and complete repair, Mateo "
        "faces a high and rising risk of heart failure, stroke and sudden death; in my opinion surgery should take "
        "place within the next four months, by mid-February 2027 at the latest. With timely surgery the long-term outlook for children with his "
        "anatomy is good, and most reach school and adult life with normal activity.",
        "<b>Why he cannot be treated in Honduras or nearby.</b> Unifocalization with complete repair is a rare, "
        "highly specialised operation. No hospital in Honduras performs it, and none in the neighbouring countries "
        "does: I have consulted the referral centres for congenital heart surgery in Guatemala, El Salvador and "
        "Nicaragua, and none of them performs this procedure on children with MAPCAs. For this reason I have referred Mateo to Gulf Coast Children's Hospital in Houston, "
        "whose Heart Center has agreed to review his case for surgery.",
        "<b>Duration and fitness to travel.</b> From my discussions with the U.S. team, I expect about five months from "
        "pre-operative evaluation to clearance to fly home. Mateo is fit to travel on a commercial flight with supplemental oxygen, "
        "accompanied by his mother, Ana Gabriela Castillo Mejía, who is his primary caregiver and must consent to "
        "and take part in his care.",
        "I am available to provide his full clinical record, imaging and laboratory results on request.",
    ]
    letter(path, HOSPITAL_HN, D(2026, 10, 14), paras, "Dr. Rafael Medina Zúniga",
           ["Pediatric Cardiologist, Head of Service", "Colegio Médico de Honduras No. 05512",
            "Tel. +504 2555 0112 \u00b7 r.medina@example.org"],
           to=["U.S. Citizenship and Immigration Services", "Attn: Humanitarian Parole"],
           re=["Mateo Andrés Reyes Castillo, born 07/02/2019 \u2014 medical summary"], title="Medical letter")


def acceptance(path):
    plan = [["Phase", "Dates (planned)", "Setting"],
            ["Pre-operative evaluation: echocardiogram, CT angiography, cardiac catheterization", "Jan 27 \u2013 Feb 5, 2027",
             "Outpatient / 1 day"],
            ["Single-stage unifocalization and complete repair (RV-PA conduit)", "Feb 9, 2027", "Operating room"],
            ["Cardiovascular intensive care", "Feb 9 \u2013 Feb 19, 2027 (about 10 days)", "CVICU"],
            ["Step-down cardiac unit", "Feb 19 \u2013 Mar 3, 2027 (about 12 days)", "Inpatient"],
            ["Clinic follow-up: weekly, then every two weeks", "Mar \u2013 May 2027", "Outpatient"],
            ["Follow-up catheterization and clearance to fly", "late May \u2013 June 2027", "Outpatient"]]
    t = Table([[Paragraph(esc(x), S["cellB"] if i == 0 else S["cell"]) for x in row] for i, row in enumerate(plan)],
              colWidths=[3.3 * inch, 1.9 * inch, 1.3 * inch])
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe7f1")),
                           ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                           ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    paras = [
        "Gulf Coast Children's Hospital has reviewed the records of <b>Mateo Andrés Reyes Castillo</b> (date of birth "
        "07/02/2019), referred by Dr. Rafael Medina Zúniga of Hospital Infantil Centroamericano in Tegucigalpa, "
        "Honduras. Our multidisciplinary heart team discussed his case on October 21, 2026 and has <b>accepted him "
        "for surgical treatment</b> of tetralogy of Fallot with pulmonary atresia and major aortopulmonary "
        "collateral arteries.",
        "Surgery is scheduled for <b>February 9, 2027</b>. Mateo should arrive in Houston by January 25, 2027 so "
        "that his pre-operative evaluation can begin on January 27. The planned course of care is:",
        t, Spacer(1, 8),
        "We expect the complete course of treatment, from arrival to clearance to fly, to take <b>about five "
        "months</b>. Mateo's mother is expected to stay with him throughout; a parent must be present to give "
        "consent, to stay at the bedside and to be trained in his care after discharge.",
        "Our Financial Assistance Program has approved charity care for 80 percent of the estimated charges; the "
        "itemized estimate and the approval are provided separately. The family has been informed of the remaining "
        "balance and of the deposit we require before admission.",
        "Please contact our International Patient Services office with any questions.",
    ]
    letter(path, HOSPITAL_US, D(2026, 10, 28), paras, "Elaine M. Whitaker, MD",
           ["Chief, Congenital Heart Surgery", "Gulf Coast Children's Hospital Heart Center",
            "Tel. (713) 555-0162 \u00b7 e.whitaker@example.org"],
           to=["U.S. Citizenship and Immigration Services", "Attn: Humanitarian Parole"],
           re=["Acceptance for treatment \u2014 Mateo Andrés Reyes Castillo, MRN 40-118-2736"],
           title="Acceptance letter and treatment plan")


ITEMS = [
    ("99245", "International patient consultation, congenital heart surgery", "Professional", 1, 650.00),
    ("93306", "Transthoracic echocardiogram, complete, with Doppler", "Cardiology", 3, 1450.00),
    ("75573", "CT angiography, heart and great vessels, with 3-D reconstruction", "Radiology", 1, 3900.00),
    ("93597", "Diagnostic cardiac catheterization with collateral angiography (pre-operative)", "Cardiology", 1, 9800.00),
    ("33926", "Unifocalization of collaterals and complete repair with RV-PA conduit (surgeon)", "Professional", 1, 21500.00),
    ("00561", "Anesthesia for complex cardiac surgery with cardiopulmonary bypass", "Professional", 1, 4800.00),
    ("0360", "Operating room, cardiac, per case (including perfusion and bypass circuit)", "Facility", 1, 21000.00),
    ("0174", "Cardiovascular intensive care unit, per day", "Facility", 10, 3400.00),
    ("0120", "Step-down cardiac unit, per day", "Facility", 12, 1500.00),
    ("0390", "Blood products and transfusion services", "Facility", 1, 3200.00),
    ("0300", "Laboratory services (inpatient stay)", "Facility", 1, 4100.00),
    ("0250", "Pharmacy and intravenous solutions (inpatient stay)", "Facility", 1, 4970.00),
    ("0278", "Conduit, implants and surgical supplies", "Facility", 1, 6050.00),
    ("99214", "Outpatient cardiology follow-up visits", "Professional", 8, 310.00),
    ("93597", "Follow-up cardiac catheterization (about 16 to 20 weeks after surgery)", "Cardiology", 1, 9800.00),
]


def estimate(path):
    total = sum(u * p for *_, u, p in ITEMS)
    assert round(total, 2) == 148600.00, total
    cost_estimate(
        path, HOSPITAL_US, D(2026, 10, 28), "Mateo Andrés Reyes Castillo", D(2019, 7, 2), "40-118-2736",
        "Unifocalization and complete repair of tetralogy of Fallot with pulmonary atresia/MAPCAs; pre- and "
        "post-operative care, about five months", ITEMS, 80,
        ["This estimate covers the hospital and professional charges for the treatment plan described in the "
         "acceptance letter of October 28, 2026. It does not include travel, lodging or living expenses.",
         "After reviewing the financial information submitted by the patient's family, the hospital's Financial "
         "Assistance Committee approved <b>charity care of 80 percent</b> of the estimated charges on October 27, 2026, "
         "on the condition that the family pays the remaining balance."],
        "Patricia Gómez-Harlan", ["Manager, International Patient Financial Services",
                                  "Tel. (713) 555-0165 \u00b7 p.gomez@example.org"],
        ["<b>Deposit and payment.</b> A deposit of $10,000.00 is due before admission; the remaining patient "
         "responsibility is payable in monthly instalments agreed with our financial counselors. The guarantor "
         "for this account is Ms. Lucía Isabel Reyes, Houston, Texas (the patient's aunt).",
         "This approval is valid for services delivered by September 30, 2027."])


def employer(path):
    paras = [
        "This letter confirms the employment of <b>Lucía Isabel Reyes</b> with Bayou Regional Medical Center.",
        Table([["Position", "Registered Nurse II, Cardiovascular Step-Down Unit"],
               ["Employment status", "Full-time (36 hours a week), permanent"],
               ["Start date", "June 16, 2014"],
               ["Annual base salary", "$92,400.00 (paid every two weeks)"],
               ["Year-to-date gross earnings", "$78,184.70 (22 pay periods, through October 30, 2026)"]],
              colWidths=[2.0 * inch, 4.4 * inch],
              style=TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9.5),
                                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                                ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3eef2"))])),
        Spacer(1, 8),
        "Ms. Reyes is an employee in good standing. Her position is not temporary or seasonal, and we expect her "
        "employment to continue. We understand that she has requested a period of intermittent family leave in "
        "early 2027, which has been approved without effect on her position or salary.",
        "This information is provided at the employee's request. Please direct verification calls to the number "
        "above and quote reference EV-2026-11-0488.",
    ]
    letter(path, EMPLOYER, D(2026, 11, 2), paras, "Denise A. Marchetti",
           ["Senior Human Resources Generalist", "Bayou Regional Medical Center"], title="Employment verification")


def bank(path):
    a = Account(holder="Lucía I. Reyes", address=["4410 Fannin Street Apt 12B", "Houston TX 77004-5521"],
                checking_no="0048211937", savings_no="0048211945", checking_end=8930.00, savings_end=61250.00,
                payer="BAYOU REGIONAL MC", net_pay=2694.38, first_payday=D(2026, 10, 30),
                bills=[(1, "ACH DEBIT FANNIN PLACE APTS RENT", 1650.00), (6, "ACH DEBIT GULF POWER & LIGHT", 118.00),
                       (9, "ACH DEBIT METRO WIRELESS", 84.00), (12, "ACH DEBIT LONE OAK AUTO INSURANCE", 142.00),
                       (20, "ACH DEBIT LITTLE STARS CHILD CARE", 640.00),
                       (24, "REMITLY* TRANSFER HONDURAS", 300.00)],
                shops=["H-MART GROCERY HOUSTON", "FIESTA FOODS #12", "METRO TRANSIT FARE", "WALGREENS #4410",
                       "SHELL OIL 5740", "TARGET T-1893", "KROGER #335"],
                to_savings=1200.00)
    bank_statements(path, BANK, a, [(2026, 8), (2026, 9), (2026, 10)], seed="lucia")


def statement(path):
    paras = [
        "I am a United States citizen, born in San Pedro Sula, Honduras, and naturalized in 2009. I live at 4410 "
        "Fannin Street, Apt 12B, Houston, Texas, and I have worked as a registered nurse at Bayou Regional Medical "
        "Center since 2014. I make this declaration in support of the requests for humanitarian parole for my "
        "nephew, Mateo Andrés Reyes Castillo, and his mother, my sister-in-law, Ana Gabriela Castillo Mejía.",
        "Mateo is seven years old. He is the son of my brother, José Daniel Reyes Flores, and of Ana. He was born with a "
        "complex heart defect, tetralogy of Fallot with pulmonary atresia. His cardiologist in Tegucigalpa, Dr. Rafael "
        "Medina Zúniga, wrote on October 14, 2026 that his condition is getting worse and that he needs an operation "
        "within four months, by the middle of February 2027 at the latest. That operation is not performed in "
        "Honduras or in the neighboring countries.",
        "Gulf Coast Children's Hospital in Houston accepted Mateo on October 28, 2026 and scheduled his surgery for "
        "February 9, 2027. The hospital expects the whole treatment, including the tests before surgery, the stay "
        "in hospital and the follow-up visits, to take about five months.",
        "We ask for parole for six months from January 25, 2027. This is the five months of treatment the hospital "
        "describes, plus a short margin in case his recovery is slower than expected, before the doctors clear him "
        "to fly home.",
        "Ana must come with Mateo. He is a young child who will be in intensive care; the hospital requires a parent "
        "at his side to consent to his treatment and to learn his care after discharge. My brother will stay in "
        "Tegucigalpa with their younger daughter, who is three, and will keep working.",
        "On September 15, 2026, Ana and Mateo applied for B-2 visas for medical treatment at the U.S. Embassy in "
        "Tegucigalpa. Both were refused under section 214(b) of the Immigration and Nationality Act; Ana told me that "
        "the medical letters were not discussed at the interview. The earliest new interview appointment offered to us was in "
        "November 2027, far too late for Mateo.",
        "The hospital has approved charity care for 80 percent of the estimated cost of $148,600. I will pay the "
        "remaining balance of $29,720 in installments, as agreed with the hospital, and I have already set aside the "
        "$10,000 deposit. Ana and Mateo will live with me in my apartment, which is ten minutes from the hospital, "
        "and I will pay for their food, local transport and everything else they need. My salary and savings are "
        "shown in my employer's letter and my bank statements.",
        "Ana and Mateo will return to Honduras as soon as the doctors allow it. Ana is a primary-school teacher at a "
        "public school in Tegucigalpa, where she has been granted unpaid leave from January 25 to July 31, 2027; "
        "she must be back at work on August 2, 2027. Her husband, her "
        "younger daughter, her home and her work are all in Honduras. The family has return tickets, which they will "
        "change to the date the doctors set.",
        "Neither Ana nor Mateo has ever been arrested, charged or convicted of any offense, in Honduras or anywhere else. "
        "Neither has ever been to the United States or been in removal proceedings.",
        "I ask that these requests be decided quickly, because the date of the operation cannot be moved without "
        "putting Mateo's life at risk.",
    ]
    declaration(path, "Declaration of Lucía Isabel Reyes",
                "Lucía Isabel Reyes", "I, <b>Lucía Isabel Reyes</b>, declare as follows:", paras, "Houston, Texas",
                D(2026, 11, 20), ["4410 Fannin Street, Apt 12B, Houston, TX 77004", "(713) 555-0148"])


VISA = Letterhead(
    "Nonimmigrant Visa Appointment Service \u2014 Honduras", ["U.S. Embassy Tegucigalpa, Consular Section",
                                                              "Appointment confirmation (printout)"],
    color="#22466e", logo="cross", footer="Printout of an online page (fictional)")


def appointment(path):
    """The embassy's appointment page after the refusal: the earliest new interview for Ana and Mateo."""
    rows = [["Applicants", "CASTILLO MEJIA, ANA GABRIELA\nREYES CASTILLO, MATEO ANDRES"],
            ["Passport numbers", "H0067890 \u00b7 H0012345"],
            ["DS-160 confirmations", "AA00F9L3WB \u00b7 AA00F9L3X4"], ["Visa class", "B-1/B-2 (business / tourism)"],
            ["Location", "U.S. Embassy Tegucigalpa, Avenida La Paz"],
            ["Interview appointment", "Tuesday, November 16, 2027 at 08:00"],
            ["Earliest date offered", "November 16, 2027 (booked September 17, 2026 at 18:40 CST)"]]
    t = appointment_table(rows, top=True)
    story = [Paragraph("<b>Your appointment is confirmed</b>", S["h2"]),
             Paragraph("Print this page and bring it to your interview together with your passports and DS-160 "
                       "confirmation pages.", S["sans"]), Spacer(1, 6), t, Spacer(1, 10),
             Paragraph("<b>Estimated wait time</b> for a nonimmigrant visitor visa interview appointment at U.S. Embassy "
                       "Tegucigalpa, as displayed on September 17, 2026: <b>425 calendar days</b>.", S["sans"]),
             Spacer(1, 30),
             Paragraph("https://appointments.example.org/hn/confirmation?ref=AA00F9L3WB \u00b7 page 1 of 1 \u00b7 "
                       "printed 09/17/2026", S["sansS"])]
    build_doc(path, story, letterhead=VISA, title="Visa appointment confirmation", author=VISA.name)


JOSE_PASSPORT = PassportData("HND", "H0058213", "Reyes Flores", "José Daniel", D(1986, 4, 3), "M",
                             "San Pedro Sula, Cortés", D(2024, 8, 12), D(2029, 8, 11))


# The father's consent: signed in Spanish, his language, before a Honduran notary (the consent a minor's exit
# from Honduras with one parent also needs), with its English translation (8 CFR 103.2(b)(3)).
NOTARY = ("Abog. Luis Fernando Matute Rivera", "Notario P\u00fablico, Exequ\u00e1tur No. 2417",
          "Colonia Palmira, Avenida Rep\u00fablica de Panam\u00e1 2030, Tegucigalpa, M.D.C.")

CONSENT_ES = [
    "Soy ciudadano hondure\u00f1o, nacido el 3 de abril de 1986 en San Pedro Sula, Cort\u00e9s, con Documento Nacional de "
    "Identificaci\u00f3n n\u00famero 0501-1986-04471 y pasaporte hondure\u00f1o n\u00famero H0058213, cuya copia se adjunta. Vivo "
    "en Colonia Palmira, Avenida Rep\u00fablica de Chile 1520, Tegucigalpa, con mi esposa, Ana Gabriela Castillo "
    "Mej\u00eda, y nuestros hijos.",
    "Soy el padre de <b>Mateo Andr\u00e9s Reyes Castillo</b>, nacido el 2 de julio de 2019 en Tegucigalpa, Honduras "
    "(inscripci\u00f3n de nacimiento n\u00famero 0801-2019-03417). Ana y yo ejercemos juntos la patria potestad sobre \u00e9l; "
    "ninguna resoluci\u00f3n judicial la limita.",
    "Autorizo a Mateo a viajar a los Estados Unidos de Am\u00e9rica con su madre, Ana Gabriela Castillo Mej\u00eda, el 25 de "
    "enero de 2027 o en fecha cercana, y a permanecer all\u00e1 unos seis meses, hasta que sus m\u00e9dicos le autoricen "
    "regresar en avi\u00f3n. Vivir\u00e1n con mi hermana, Luc\u00eda Isabel Reyes, en 4410 Fannin Street, Apt 12B, Houston, "
    "Texas 77004. Yo me quedar\u00e9 en Tegucigalpa con nuestra hija menor y seguir\u00e9 trabajando mientras ellos est\u00e9n "
    "fuera.",
    "Autorizo la evaluaci\u00f3n, la cirug\u00eda de coraz\u00f3n y todo el tratamiento relacionado de Mateo en Gulf Coast "
    "Children's Hospital, en Houston, Texas, y autorizo a su madre a tomar todas las decisiones sobre su atenci\u00f3n "
    "m\u00e9dica mientras est\u00e9 en los Estados Unidos, incluido el consentimiento para la cirug\u00eda y la anestesia.",
]
CONSENT_EN = [
    "I am a Honduran citizen, born on April 3, 1986 in San Pedro Sula, Cort\u00e9s, holder of National Identity "
    "Document number 0501-1986-04471 and of Honduran passport number H0058213, a copy of which is attached. I live "
    "in Colonia Palmira, Avenida Rep\u00fablica de Chile 1520, Tegucigalpa, with my wife, Ana Gabriela Castillo Mej\u00eda, "
    "and our children.",
    "I am the father of <b>Mateo Andr\u00e9s Reyes Castillo</b>, born on July 2, 2019 in Tegucigalpa, Honduras (birth "
    "registration number 0801-2019-03417). Ana and I jointly hold parental authority over him; no court order "
    "limits it.",
    "I authorize Mateo to travel to the United States of America with his mother, Ana Gabriela Castillo Mej\u00eda, on "
    "or about January 25, 2027, and to stay there for about six months, until his doctors clear him to return by "
    "air. They will live with my sister, Luc\u00eda Isabel Reyes, at 4410 Fannin Street, Apt 12B, Houston, Texas "
    "77004. I will stay in Tegucigalpa with our younger daughter and keep working while they are away.",
    "I authorize Mateo's evaluation, heart surgery and all related treatment at Gulf Coast Children's Hospital in "
    "Houston, Texas, and I authorize his mother to make all decisions about his medical care while he is in the "
    "United States, including consent to the surgery and the anesthesia.",
]


def _notary_seal(c, w, h):
    _seal(c, w / 2, h / 2, min(w, h) / 2 - 2, "#5b2a86", "NOTARIO P\u00daBLICO \u00b7 EXEQU\u00c1TUR 2417 \u00b7 HONDURAS \u00b7")


def father_consent(out: Path):
    """The other parent's consent to the journey and the treatment, in Spanish with the notary's authentication of
    his signature, a copy of his passport, and the English translation."""
    story: list = [Paragraph("DECLARACI\u00d3N JURADA Y AUTORIZACI\u00d3N DE VIAJE Y TRATAMIENTO M\u00c9DICO DE MENOR DE EDAD",
                             S["h1"]), Spacer(1, 8),
                   Paragraph("Yo, <b>Jos\u00e9 Daniel Reyes Flores</b>, declaro lo siguiente:", S["body"])]
    story += [Paragraph(f"{i}.\u00a0\u00a0\u00a0{p}", S["num"]) for i, p in enumerate(CONSENT_ES, 1)]
    story += [Paragraph("Declaro bajo pena de perjurio, conforme a las leyes de los Estados Unidos de Am\u00e9rica, que lo "
                        "anterior es verdadero y correcto.", S["body"]),
              Paragraph("Firmado en Tegucigalpa, Honduras, el 16 de noviembre de 2026.", S["body"]),
              *signature_block("Jos\u00e9 Daniel Reyes Flores", ["DNI 0501-1986-04471 \u00b7 Tel. +504 9555 0103"],
                               closing=""),
              Spacer(1, 10),
              Table([[Paragraph("<b>AUT\u00c9NTICA DE FIRMA.</b> El infrascrito Notario P\u00fablico, del domicilio de "
                                "Tegucigalpa, Municipio del Distrito Central, DA FE: que la firma que antecede es "
                                "AUT\u00c9NTICA por haber sido puesta en mi presencia por el se\u00f1or JOS\u00c9 DANIEL REYES "
                                "FLORES, mayor de edad, casado, hondure\u00f1o, de este domicilio, a quien identifiqu\u00e9 por "
                                "medio de su Documento Nacional de Identificaci\u00f3n n\u00famero 0501-1986-04471, y quien "
                                "manifest\u00f3 comprender y aceptar el contenido del documento. Tegucigalpa, M.D.C., "
                                "diecis\u00e9is de noviembre de dos mil veintis\u00e9is. Registro de autenticas n\u00famero 1188.",
                                S["small"]),
                      Drawn(_notary_seal, (80, 80), 0.95 * inch)],
                     [signature_block(NOTARY[0], NOTARY[1:], closing="", style=S["small"])[0]._content, ""]],
                    colWidths=[5.4 * inch, 1.2 * inch],
                    style=TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))]
    story += [PageBreak(), Paragraph("ANEXO: COPIA DEL PASAPORTE DE JOS\u00c9 DANIEL REYES FLORES", S["h2"]),
              Paragraph("P\u00e1gina de datos del pasaporte hondure\u00f1o H0058213, fotocopiada el 16 de noviembre de 2026.",
                        S["small"]),
              Spacer(1, 8), Drawn(lambda c, w, h: draw_booklet(c, w, h, JOSE_PASSPORT), booklet_size(), 5.6 * inch)]
    build_doc(out / "father-consent-es.pdf", story, title="Declaraci\u00f3n y autorizaci\u00f3n del padre",
              author="Jos\u00e9 Daniel Reyes Flores", margins=(1.0 * inch, 1.0 * inch, 0.95 * inch, 0.9 * inch))

    en: list = [Paragraph("<i>English translation of the attached declaration and authorization, signed in Spanish by "
                          "Jos\u00e9 Daniel Reyes Flores in Tegucigalpa, Honduras, on November 16, 2026, with the notary's "
                          "authentication of his signature and a copy of his passport. Translated on November 18, "
                          "2026.</i>", S["small"]), Spacer(1, 8),
                Paragraph("SWORN DECLARATION AND AUTHORIZATION FOR THE TRAVEL AND MEDICAL TREATMENT OF A MINOR",
                          S["h1"]), Spacer(1, 8),
                Paragraph("I, <b>Jos\u00e9 Daniel Reyes Flores</b>, declare as follows:", S["body"])]
    en += [Paragraph(f"{i}.\u00a0\u00a0\u00a0{p}", S["num"]) for i, p in enumerate(CONSENT_EN, 1)]
    en += [Paragraph("I declare under penalty of perjury under the laws of the United States of America that the "
                     "foregoing is true and correct.", S["body"]),
           Paragraph("Signed in Tegucigalpa, Honduras, on November 16, 2026.", S["body"]),
           Paragraph("[Signature]<br/><b>Jos\u00e9 Daniel Reyes Flores</b><br/>DNI 0501-1986-04471 \u00b7 Tel. +504 9555 0103",
                     S["bodyL"]), Spacer(1, 6),
           Paragraph("<b>AUTHENTICATION OF SIGNATURE.</b> The undersigned Notary Public, domiciled in Tegucigalpa, "
                     "Municipality of the Distrito Central, ATTESTS: that the foregoing signature is AUTHENTIC, having "
                     "been affixed in my presence by Mr. JOS\u00c9 DANIEL REYES FLORES, of legal age, married, Honduran, "
                     "domiciled here, whom I identified by his National Identity Document number 0501-1986-04471, and "
                     "who stated that he understands and accepts the contents of the document. Tegucigalpa, M.D.C., "
                     "the sixteenth of November of two thousand twenty-six. Register of authentications number 1188.",
                     S["body"]),
           Paragraph("[Round seal: NOTARIO P\u00daBLICO \u00b7 EXEQU\u00c1TUR 2417 \u00b7 HONDURAS] [Signature]", S["bodyL"]),
           Paragraph("<b>Abog. Luis Fernando Matute Rivera</b><br/>Notary Public, Exequ\u00e1tur No. 2417<br/>Colonia "
                     "Palmira, Avenida Rep\u00fablica de Panam\u00e1 2030, Tegucigalpa, M.D.C.", S["bodyL"]), Spacer(1, 6),
           Paragraph("ATTACHMENT: COPY OF THE PASSPORT OF JOS\u00c9 DANIEL REYES FLORES. Biographic page of Honduran passport "
                     "H0058213, photocopied on November 16, 2026. [The facing page, headed OBSERVACIONES / OBSERVATIONS, "
                     "reads in Spanish: \u201cThe holder of this passport is under the protection of the authorities of "
                     "the issuing country.\u201d The biographic page is printed in Spanish and English; it shows: surname REYES FLORES; given names JOS\u00c9 DANIEL; nationality HONDURAN; date of birth "
                     "April 3, 1986; sex M; place of birth San Pedro Sula, Cort\u00e9s; date of issue August 12, 2024; "
                     "date of expiry August 11, 2029.]", S["small"])]
    build_doc(out / "father-consent-en.pdf", en, title="Translation - declaration and authorization of the father",
              author="translator")


SCHOOL = Letterhead(
    "Centro de Educaci\u00f3n B\u00e1sica Juan Ram\u00f3n Molina",
    ["Secretar\u00eda de Estado en el Despacho de Educaci\u00f3n \u00b7 Direcci\u00f3n Departamental de Francisco Moraz\u00e1n",
     "Colonia Palmira, Calle Rep\u00fablica de Colombia, Tegucigalpa, M.D.C., Honduras",
     "Tel. +504 2555 0130 \u00b7 cebjrm@example.org"],
    color="#1c3f8c", logo="JRM", footer="Centro de Educaci\u00f3n B\u00e1sica Juan Ram\u00f3n Molina \u00b7 Tegucigalpa")

SCHOOL_ES = [
    "La suscrita Directora del Centro de Educaci\u00f3n B\u00e1sica Juan Ram\u00f3n Molina, de Tegucigalpa, Municipio del Distrito "
    "Central, hace constar:",
    "Que la se\u00f1ora <b>Ana Gabriela Castillo Mej\u00eda</b>, con Documento Nacional de Identificaci\u00f3n n\u00famero "
    "0301-1991-01288, labora en este centro como Maestra de Educaci\u00f3n B\u00e1sica (primero a sexto grado), en plaza "
    "permanente, desde el 6 de febrero de 2017, con buena conducta y cumplimiento de sus deberes.",
    "Que, por resoluci\u00f3n de la Direcci\u00f3n Departamental de Educaci\u00f3n n\u00famero DDE-FM-LSG-0944-2026 del 6 de "
    "noviembre de 2026, se le concedi\u00f3 <b>licencia sin goce de sueldo del 25 de enero al 31 de julio de 2027</b>, para "
    "acompa\u00f1ar a su hijo menor durante su tratamiento m\u00e9dico en el extranjero. Su plaza le queda reservada y debe "
    "reintegrarse a sus labores el <b>lunes 2 de agosto de 2027</b>.",
    "Que la conozco desde que ingres\u00f3 a este centro. Es una maestra responsable y puntual, apreciada por sus alumnos "
    "y por los padres de familia. Me consta que es ella quien lleva a su hijo Mateo a sus controles m\u00e9dicos, para lo "
    "cual esta Direcci\u00f3n le ha concedido permisos, y que es quien lo cuida.",
    "Y para los fines que a la interesada convengan, se extiende la presente en Tegucigalpa, M.D.C., a los diez d\u00edas "
    "del mes de noviembre de dos mil veintis\u00e9is.",
]
SCHOOL_EN = [
    "The undersigned Director of the Centro de Educaci\u00f3n B\u00e1sica Juan Ram\u00f3n Molina (Juan Ram\u00f3n Molina Basic "
    "Education School), Tegucigalpa, Municipality of the Distrito Central, certifies:",
    "That Mrs. <b>Ana Gabriela Castillo Mej\u00eda</b>, holder of National Identity Document number 0301-1991-01288, has "
    "worked at this school as a Basic Education Teacher (first to sixth grade), in a permanent position, since "
    "February 6, 2017, with good conduct and fulfilment of her duties.",
    "That, by resolution of the Departmental Directorate of Education number DDE-FM-LSG-0944-2026 of November 6, "
    "2026, she was granted <b>unpaid leave from January 25 to July 31, 2027</b>, to accompany her minor son during his "
    "medical treatment abroad. Her position is reserved for her, and she must return to work on <b>Monday, August 2, "
    "2027</b>.",
    "That I have known her since she joined this school. She is a responsible and punctual teacher, appreciated by her "
    "students and by their parents. I know that it is she who takes her son Mateo to his medical check-ups, for which "
    "this Directorate has granted her time off, and that she is the one who cares for him.",
    "Issued for whatever purposes may suit the interested party, in Tegucigalpa, M.D.C., on the tenth day of the "
    "month of November of two thousand twenty-six.",
]


def school_letter(out: Path):
    """Ana's school: her permanent post, the approved unpaid leave and her return date, and the director's word."""
    translated_letter(
        out, "school-letter", SCHOOL, D(2026, 11, 10), es=SCHOOL_ES, en=SCHOOL_EN,
        signer="Lic. Gloria Esperanza Banegas Ord\u00f3\u00f1ez",
        signer_lines=["Directora", "Centro de Educaci\u00f3n B\u00e1sica Juan Ram\u00f3n Molina", "Tel. +504 2555 0131"],
        re_es="CONSTANCIA DE TRABAJO Y DE LICENCIA", re_en="CERTIFICATE OF EMPLOYMENT AND OF LEAVE",
        title_es="Constancia de trabajo y licencia", title_en="Translation - certificate of employment and leave",
        seal=("#1c3f8c", "C.E.B. JUAN RAM\u00d3N MOLINA \u00b7 TEGUCIGALPA \u00b7 DIRECCI\u00d3N \u00b7"),
        translator_note="English translation of the attached certificate issued in Spanish by the Centro de "
                        "Educaci\u00f3n B\u00e1sica Juan Ram\u00f3n Molina, Tegucigalpa, Honduras, on November 10, 2026. "
                        "Translated on November 18, 2026.",
        letterhead_en="Centro de Educaci\u00f3n B\u00e1sica Juan Ram\u00f3n Molina \u00b7 Ministry of Education, "
                      "Departmental Directorate of Francisco Moraz\u00e1n \u00b7 Colonia Palmira, Calle Rep\u00fablica de "
                      "Colombia, Tegucigalpa, M.D.C., Honduras \u00b7 Tel. +504 2555 0130",
        seal_en="C.E.B. JUAN RAM\u00d3N MOLINA \u00b7 TEGUCIGALPA \u00b7 DIRECTORATE",
        signer_en="<b>Lic. Gloria Esperanza Banegas Ord\u00f3\u00f1ez</b><br/>Director<br/>Centro de Educaci\u00f3n "
                  "B\u00e1sica Juan Ram\u00f3n Molina<br/>Tel. +504 2555 0131")


AIRLINE = Letterhead(
    "Aerol\u00edneas del Caribe Central", ["Reservations and ticketing \u00b7 reservas@example.org",
                                           "Tel. +504 2555 0140 \u00b7 (713) 555-0141"],
    color="#0d6a7a", logo="ACC", footer="Aerol\u00edneas del Caribe Central (fictional) \u00b7 this is not a boarding pass")


def flight_reservation(path):
    """Ana's and Mateo's round-trip tickets, bought by Lucía, with a changeable return date."""
    rows = [["Flight", "Date", "From", "To", "Departs", "Arrives", "Class", "Status"],
            ["CC 402", "Mon 25 JAN 2027", "Tegucigalpa (XPL)", "Houston (IAH)", "10:40", "14:55", "Economy", "Confirmed"],
            ["CC 403", "Tue 20 JUL 2027", "Houston (IAH)", "Tegucigalpa (XPL)", "16:20", "18:45", "Economy", "Confirmed"]]
    t = flight_table(rows, to_width=1.15)
    pax = Table([["Passenger", "Passport", "E-ticket"],
                 ["CASTILLO MEJIA / ANA GABRIELA MRS", "HND H0067890", "744 2611873310"],
                 ["REYES CASTILLO / MATEO ANDRES MSTR (child)", "HND H0012345", "744 2611873311"]],
                colWidths=[3.2 * inch, 1.4 * inch, 1.6 * inch])
    pax.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8.5), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                             ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                             ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    fare = fare_table([["Base fare, 2 passengers", "$1,052.00"], ["Taxes, fees and charges", "$434.40"],
                       ["Total paid by card", "$1,486.40"]], label_width=3.4)
    story = [Paragraph("<b>ITINERARY RECEIPT / RECIBO DE ITINERARIO</b>", S["h2"]),
             Paragraph("Issued November 19, 2026 \u00b7 Booking reference <b>CC8HT2</b> \u00b7 Fare: Economy Flex "
                       "(date changes without a change fee; any fare difference applies)", S["sans"]),
             Spacer(1, 4), pax, Spacer(1, 8), t, Spacer(1, 10), fare, Spacer(1, 10),
             Paragraph("Special service requests: MEDA / POC \u2014 passenger 2 (REYES CASTILLO / MATEO ANDRES) travels with a "
                       "portable oxygen concentrator; medical information form (MEDIF) received November 18, 2026, "
                       "approved for both flights.", S["sans"]),
             Paragraph("Baggage: 1 checked bag of up to 23 kg per passenger on each flight. Travel to the United States "
                       "requires a valid visa or other travel document; the airline may deny boarding to passengers "
                       "without one.", S["sans"]),
             Paragraph("Purchased online by LUCIA I REYES, Houston, TX, for the passengers named above.", S["sansS"])]
    build_doc(path, story, letterhead=AIRLINE, title="Itinerary receipt CC8HT2", author=AIRLINE.name)


CERT = {
    "header": ["REPÚBLICA DE HONDURAS", "REGISTRO NACIONAL DE LAS PERSONAS",
               "Registro Civil Municipal de Tegucigalpa, M.D.C., Francisco Morazán"],
    "title": "CERTIFICACIÓN DE ACTA DE NACIMIENTO",
    "reg": [("Número de inscripción", "0801-2019-03417"), ("Tomo", "0412"), ("Folio", "117"), ("Asiento", "3417")],
    "sections": [
        ("DATOS DEL INSCRITO", [("Nombre", "MATEO ANDRÉS REYES CASTILLO"), ("Sexo", "MASCULINO"),
                                ("Fecha de nacimiento", "02 DE JULIO DE 2019"), ("Hora", "06:40"),
                                ("Lugar de nacimiento", "HOSPITAL MATERNO INFANTIL, TEGUCIGALPA"),
                                ("Municipio / Departamento", "DISTRITO CENTRAL / FRANCISCO MORAZÁN"),
                                ("Fecha de inscripción", "15 DE JULIO DE 2019")]),
        ("DATOS DE LA MADRE", [("Nombre", "ANA GABRIELA CASTILLO MEJÍA"), ("Nacionalidad", "HONDUREÑA"),
                               ("Documento de identidad", "0301-1991-01288")]),
        ("DATOS DEL PADRE", [("Nombre", "JOSÉ DANIEL REYES FLORES"), ("Nacionalidad", "HONDUREÑA"),
                             ("Documento de identidad", "0501-1986-04471")]),
    ],
    "notes_title": "ANOTACIONES MARGINALES:",
    "notes": "Ninguna.",
    "closing": "La infrascrita Registradora Civil Municipal CERTIFICA que la presente es fiel y exacta reproducción "
               "del acta de nacimiento que obra en los libros de este Registro. Se extiende en Tegucigalpa, "
               "Municipio del Distrito Central, a los doce días del mes de octubre del año dos mil veintiséis.",
    "registrar": ("Abg. Karla Patricia Zelaya Ordóñez", "Registradora Civil Municipal"),
    "seal_text": "REGISTRO CIVIL \u00b7 TEGUCIGALPA \u00b7 HONDURAS \u00b7",
    "code": "Código de verificación: RNP-8F3K-22QX-7741",
    "verify": "Verifique la autenticidad de este documento en el portal del RNP con el código indicado.",
    "fee": "Derechos: L. 50.00 \u00b7 Recibo No. 2026-118840",
}

CERT_EN = {
    "header": ["REPUBLIC OF HONDURAS", "NATIONAL REGISTRY OF PERSONS",
               "Municipal Civil Registry of Tegucigalpa, M.D.C., Francisco Morazán"],
    "title": "CERTIFIED COPY OF BIRTH RECORD",
    "reg": [("Registration number", "0801-2019-03417"), ("Volume", "0412"), ("Page", "117"), ("Entry", "3417")],
    "sections": [
        ("DETAILS OF THE REGISTERED PERSON", [("Name", "MATEO ANDRÉS REYES CASTILLO"), ("Sex", "MALE"),
                                              ("Date of birth", "JULY 2, 2019"), ("Time", "06:40"),
                                              ("Place of birth", "HOSPITAL MATERNO INFANTIL, TEGUCIGALPA"),
                                              ("Municipality / Department", "DISTRITO CENTRAL / FRANCISCO MORAZÁN"),
                                              ("Date of registration", "JULY 15, 2019")]),
        ("DETAILS OF THE MOTHER", [("Name", "ANA GABRIELA CASTILLO MEJÍA"), ("Nationality", "HONDURAN"),
                                   ("Identity document", "0301-1991-01288")]),
        ("DETAILS OF THE FATHER", [("Name", "JOSÉ DANIEL REYES FLORES"), ("Nationality", "HONDURAN"),
                                   ("Identity document", "0501-1986-04471")]),
    ],
    "notes_title": "MARGINAL NOTES:",
    "notes": "None.",
    "closing": "The undersigned Municipal Civil Registrar CERTIFIES that this is a true and exact reproduction of the "
               "birth record kept in the books of this Registry. Issued in Tegucigalpa, Municipality of the Distrito "
               "Central, on the twelfth day of October of the year two thousand twenty-six.",
    "registrar": ("Atty. Karla Patricia Zelaya Ordóñez", "Municipal Civil Registrar"),
    "seal_text": "CIVIL REGISTRY \u00b7 TEGUCIGALPA \u00b7 HONDURAS",
    "code": "Verification code: RNP-8F3K-22QX-7741",
    "verify": "Verify the authenticity of this document on the RNP portal using the code shown.",
    "fee": "Fees: L. 50.00 \u00b7 Receipt No. 2026-118840",
}


def birth(out: Path):
    translated_certificate(out, "birth-certificate", CERT, CERT_EN,
                           "English translation of the attached birth certificate issued in Spanish by the Registro "
                           "Nacional de las Personas, Honduras, on October 12, 2026. Translated on October 20, 2026.",
                           pagesize=A4)


def photos(out: Path):
    passport_photo(out / "mateo-passport.jpg",
                   PassportData("HND", "H0012345", "Reyes Castillo", "Mateo Andrés", D(2019, 7, 2), "M",
                                "Tegucigalpa, F.M.", D(2025, 5, 15), D(2030, 5, 14), child=True),
                   seed="mateo", angle=-3.0, background="wood")
    passport_photo(out / "ana-passport.jpg",
                   PassportData("HND", "H0067890", "Castillo Mejía", "Ana Gabriela", D(1991, 11, 23), "F",
                                "Comayagua, Comayagua", D(2021, 2, 2), D(2031, 2, 1)),
                   seed="ana", angle=2.2, background="cloth", size=(1800, 2400), scale=0.74)
    passport_photo(out / "lucia-us-passport.jpg",
                   PassportData("USA", "A03141592", "Reyes", "Lucía Isabel", D(1984, 3, 12), "F", "Honduras",
                                D(2024, 4, 9), D(2034, 4, 8)),
                   seed="lucia", angle=-1.4, background="laminate", orientation=6)
    common = dict(post="U.S. Embassy Tegucigalpa", post_address="Tegucigalpa, M.D.C., Honduras",
                  date=D(2026, 9, 15))
    refusal_photo(out / "visa-refusal-214b.jpg",
                  [dict(common, surname="Castillo Mejía", given="Ana Gabriela", passport="H0067890",
                        barcode="AA00F7K2QD", seed="ana"),
                   dict(common, surname="Reyes Castillo", given="Mateo Andrés", passport="H0012345",
                        barcode="AA00F7K2R1", seed="mateo")],
                  seed="refusal-hn", size=(2400, 1800), scale=0.44,
                  placements=[((0.27, 0.5), -2.4), ((0.73, 0.51), 1.6)], background="wood")

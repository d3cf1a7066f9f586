"""Evidence for samples/dying-parent: Jorge (Guatemala) asks to visit his dying mother in Los Angeles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.pagesizes import LETTER

from .bank import Account, bank_statements
from .civil import translated_certificate
from .common import (S, Drawn, Letterhead, Paragraph, Spacer, Table, TableStyle, appointment_table, build_doc, colors,
                     fare_table, flight_table, inch, letter, translated_letter)
from .forms import declaration
from .passport import PassportData, _mrz_text, check_digit
from .photos import passport_photo, refusal_photo
from .prcard import CARD, ResidentCard, draw_back, draw_front

D = dt.date

HOSPICE = Letterhead(
    "Valley Oaks Hospice & Palliative Care", ["6200 Van Nuys Boulevard, Suite 300, Van Nuys, CA 91401",
                                              "Tel. (818) 555-0150 \u00b7 Fax (818) 555-0151 \u00b7 care@example.org"],
    subtitle="Comfort, dignity and support for patients and families", color="#3d6b35", logo="leaf",
    footer="Valley Oaks Hospice & Palliative Care \u00b7 Medicare-certified hospice (fictional)")

EMPLOYER = Letterhead(
    "Sunland Freight Services, Inc.", ["Human Resources Department", "7715 Haskell Avenue, Van Nuys, CA 91406",
                                       "Tel. (818) 555-0177 \u00b7 hr@example.org"],
    color="#8a4b14", logo="SFS", footer="Sunland Freight Services, Inc. \u00b7 Van Nuys, California")

BANK = Letterhead(
    "San Fernando Valley Credit Union", ["P.O. Box 7120, Van Nuys, CA 91409",
                                         "Member services (818) 555-0139 \u00b7 example.org/sfvcu"],
    color="#24577a", logo="bank", footer="Federally insured by NCUA (fictional) \u00b7 San Fernando Valley Credit Union")

AIRLINE = Letterhead(
    "Quetzal Air", ["Reservations and ticketing \u00b7 reservas@example.org", "Tel. +502 2555 0120 \u00b7 (213) 555-0121"],
    color="#0d6a7a", logo="QA", footer="Quetzal Air (fictional) \u00b7 this is not a boarding pass")


def generate(out: Path) -> None:
    hospice(out / "hospice-letter.pdf")
    statement(out / "petitioner-declaration.pdf")
    birth(out)
    employer(out / "employer-letter.pdf")
    bank(out / "bank-statements.pdf")
    itinerary(out / "return-itinerary.pdf")
    appointment(out / "visa-appointment.pdf")
    prior_travel(out / "prior-passport-pages.pdf")
    business(out)
    reference(out)
    insurance(out / "travel-insurance.pdf")
    mother_card(out / "mother-permanent-resident-card.pdf")
    photos(out)


def hospice(path):
    paras = [
        "I am the medical director of Valley Oaks Hospice & Palliative Care and the attending hospice physician of "
        "<b>Mrs. Rosa Elena Pérez Cifuentes</b> (date of birth February 14, 1944), who lives with her daughter, "
        "Ms. Marisol Morales, at 14822 Sherman Way, Apt 207, Van Nuys, California. I write at the family's request.",
        "<b>Diagnosis.</b> Mrs. Pérez has adenocarcinoma of the pancreas with metastases to the liver and peritoneum, "
        "diagnosed in August 2026. After one cycle of chemotherapy her oncologist and the family agreed that further "
        "treatment would not help her. She was admitted to our home hospice program on October 30, 2026.",
        "<b>Current condition and prognosis.</b> Mrs. Pérez is bed-bound, eats very little, and needs help with all "
        "daily activities. Her pain is controlled with medication. Her condition is terminal. In my medical opinion "
        "her life expectancy is <b>weeks to a few months, and likely less than three months</b>. She is not able to "
        "travel.",
        "Mrs. Pérez has repeatedly told our nurses, our social worker and me that her strongest wish is to see her "
        "son, Mr. Jorge Alberto Morales Pérez, who lives in Guatemala. In our experience the presence of close family "
        "is an important part of comfort care at the end of life, for the patient and for the family.",
        "I respectfully ask that his request to come to the United States be considered as quickly as possible. I can "
        "be reached at the number below; our hospice social worker, Ms. Teresa Lindqvist, LCSW, can also confirm these "
        "facts.",
    ]
    letter(path, HOSPICE, D(2026, 11, 18), paras, "Samuel K. Adeyemi, MD",
           ["Hospice Medical Director, Board certified in Hospice and Palliative Medicine",
            "Tel. (818) 555-0152 \u00b7 s.adeyemi@example.org"],
           to=["U.S. Citizenship and Immigration Services", "Attn: Humanitarian Parole"],
           re=["Rosa Elena Pérez Cifuentes \u2014 terminal illness; visit of her son, Jorge Alberto Morales Pérez"],
           title="Hospice physician letter")


def statement(path):
    paras = [
        "I was born in Quetzaltenango, Guatemala, and I have been a United States citizen since 2006. I live at 14822 "
        "Sherman Way, Apt 207, Van Nuys, California, with our mother, Rosa Elena Pérez Cifuentes. I work as an "
        "accounts payable supervisor at Sunland Freight Services, Inc. I make this declaration in support of the "
        "request for humanitarian parole for my brother, Jorge Alberto Morales Pérez.",
        "Our mother is 82 years old and a lawful permanent resident of the United States since 1999. In August 2026 "
        "she was diagnosed with pancreatic cancer that had already spread to her liver. Treatment was stopped after "
        "one cycle of chemotherapy, and on October 30, 2026 she entered home hospice care with Valley Oaks Hospice.",
        "Her hospice doctor, Dr. Samuel K. Adeyemi, has told us that she has weeks to a few months to live, most "
        "likely less than three months. She is too weak to travel to Guatemala. Every day she asks whether Jorge is "
        "coming. He is her only son and my only brother; she has not seen him since his last visit to the United "
        "States, in August 2016.",
        "Jorge applied for a B-2 visitor visa to visit our mother and was interviewed at the U.S. Embassy in Guatemala "
        "City on October 27, 2026. His application was refused under section 214(b) of the Immigration and "
        "Nationality Act. The next interview appointment the embassy offered him was in September 2027. His request "
        "for an emergency appointment was declined on November 3, 2026 because he had just been refused.",
        "We ask for parole for three months, from January 4 to about April 4, 2027. Because the doctor expects our "
        "mother to live weeks to a few months, three months would let Jorge be with her and help care for her through "
        "that time and, if she dies while he is here, attend her funeral and help with the arrangements before he goes "
        "home.",
        "Jorge has every reason to return to Guatemala. He has run his own hardware store, Ferretería Los Altos, in "
        "Quetzaltenango since 2004 and employs four people. His wife, Claudia, and their two children live in the "
        "family home there; their younger son is a university student. He visited the United States as a visitor "
        "in 2012 and 2016 and went home on time both times.",
        "Jorge will live with our mother and me in my apartment. I will pay for his food, local transport and any "
        "other costs while he is here, and I have bought a travel medical insurance policy for him. He has paid for "
        "his own round-trip ticket, returning on April 2, 2027. My income and savings are shown in my employer's "
        "letter and my bank statements.",
        "Jorge has never been arrested, charged or convicted of any offense, in Guatemala or anywhere else.",
        "Jorge has never been in removal proceedings. Apart from the refusal of October 27, 2026, he has never had a "
        "U.S. visa refused, and after each of his visits, in 2012 and 2016, he left the United States within the time "
        "he was admitted for.",
        "Because of our mother's condition, I ask that this request be decided as quickly as possible.",
    ]
    declaration(path, "Declaration of Marisol Morales", "Marisol Morales",
                "I, <b>Marisol Morales</b>, declare as follows:", paras, "Van Nuys, California", D(2026, 11, 24),
                ["14822 Sherman Way, Apt 207, Van Nuys, CA 91405", "(818) 555-0137 \u00b7 marisol.morales@example.org"])


CERT = {
    "header": ["REPÚBLICA DE GUATEMALA, C.A.", "REGISTRO NACIONAL DE LAS PERSONAS \u2014 RENAP",
               "Registro Civil de las Personas del municipio de Quetzaltenango, departamento de Quetzaltenango"],
    "title": "CERTIFICADO DE NACIMIENTO",
    "reg": [("CUI", "2548 71963 0901"), ("Partida", "1248"), ("Folio", "312"), ("Libro", "187")],
    "sections": [
        ("DATOS DEL INSCRITO", [("Nombre", "JORGE ALBERTO MORALES PÉREZ"), ("Sexo", "HOMBRE"),
                                ("Fecha de nacimiento", "09 DE MAYO DE 1969"),
                                ("Lugar de nacimiento", "QUETZALTENANGO, QUETZALTENANGO"),
                                ("Fecha de inscripción", "16 DE MAYO DE 1969")]),
        ("DATOS DE LA MADRE", [("Nombre", "ROSA ELENA PÉREZ CIFUENTES"), ("Nacionalidad", "GUATEMALTECA"),
                               ("Edad al momento del parto", "25 AÑOS")]),
        ("DATOS DEL PADRE", [("Nombre", "JORGE HUMBERTO MORALES LÓPEZ"), ("Nacionalidad", "GUATEMALTECA"),
                             ("Edad al momento del parto", "29 AÑOS")]),
    ],
    "notes_title": "ANOTACIONES / OBSERVACIONES:",
    "notes": "Sin anotaciones marginales. Inscripción trasladada del Registro Civil municipal a la base de datos del "
             "RENAP conforme al Decreto 90-2005.",
    "closing": "El infrascrito Registrador Civil de las Personas CERTIFICA que los datos anteriores concuerdan con la "
               "inscripción de nacimiento que obra en este Registro. Quetzaltenango, cinco de noviembre de dos mil "
               "veintiséis.",
    "registrar": ("Lic. Edgar Rolando Sac Xicará", "Registrador Civil de las Personas"),
    "seal_text": "RENAP \u00b7 QUETZALTENANGO \u00b7 GUATEMALA \u00b7",
    "code": "No. de certificado: QZ-2026-0884312 \u00b7 Código de verificación: 7KQ2-M4XD-91PA",
    "verify": "Este certificado puede verificarse en el portal de RENAP ingresando el código de verificación.",
    "fee": "Valor: Q. 15.00",
    "color": "#0e4c7a",
}

CERT_EN = {
    "header": ["REPUBLIC OF GUATEMALA, C.A.", "NATIONAL REGISTRY OF PERSONS \u2014 RENAP",
               "Civil Registry of Persons of the municipality of Quetzaltenango, department of Quetzaltenango"],
    "title": "BIRTH CERTIFICATE",
    "reg": [("CUI (personal identification code)", "2548 71963 0901"), ("Entry", "1248"), ("Page", "312"),
            ("Book", "187")],
    "sections": [
        ("DETAILS OF THE REGISTERED PERSON", [("Name", "JORGE ALBERTO MORALES PÉREZ"), ("Sex", "MALE"),
                                              ("Date of birth", "MAY 9, 1969"),
                                              ("Place of birth", "QUETZALTENANGO, QUETZALTENANGO"),
                                              ("Date of registration", "MAY 16, 1969")]),
        ("DETAILS OF THE MOTHER", [("Name", "ROSA ELENA PÉREZ CIFUENTES"), ("Nationality", "GUATEMALAN"),
                                   ("Age at the time of birth", "25 YEARS")]),
        ("DETAILS OF THE FATHER", [("Name", "JORGE HUMBERTO MORALES LÓPEZ"), ("Nationality", "GUATEMALAN"),
                                   ("Age at the time of birth", "29 YEARS")]),
    ],
    "notes_title": "NOTES / REMARKS:",
    "notes": "No marginal notes. Registration transferred from the municipal Civil Registry to the RENAP database "
             "under Decree 90-2005.",
    "closing": "The undersigned Civil Registrar of Persons CERTIFIES that the above details agree with the birth "
               "registration kept in this Registry. Quetzaltenango, the fifth of November of two thousand twenty-six.",
    "registrar": ("Lic. Edgar Rolando Sac Xicará", "Civil Registrar of Persons"),
    "seal_text": "RENAP \u00b7 QUETZALTENANGO \u00b7 GUATEMALA",
    "code": "Certificate no. QZ-2026-0884312 \u00b7 Verification code: 7KQ2-M4XD-91PA",
    "verify": "This certificate can be verified on the RENAP portal by entering the verification code.",
    "fee": "Fee: Q. 15.00",
}


def _sister(cert: dict, values: dict, reg: list, code: str) -> dict:
    """Marisol's certificate: Jorge's, with her own entry (same parents, same registry)."""
    sections = [(title, [(k, values.get(v, v)) for k, v in rows]) for title, rows in cert["sections"]]
    return {**cert, "reg": reg, "sections": sections, "code": code}


# Marisol's own birth certificate (issued the same day): the same parents as Jorge's, so the two prove that she is
# his sister. Born Marisol Morales Pérez; she uses Morales in the United States.
CERT_MARISOL = _sister(CERT, {"JORGE ALBERTO MORALES PÉREZ": "MARISOL MORALES PÉREZ", "HOMBRE": "MUJER",
                              "09 DE MAYO DE 1969": "30 DE AGOSTO DE 1974",
                              "16 DE MAYO DE 1969": "06 DE SEPTIEMBRE DE 1974", "25 AÑOS": "30 AÑOS",
                              "29 AÑOS": "34 AÑOS"},
                       [("CUI", "1873 40562 0901"), ("Partida", "2207"), ("Folio", "145"), ("Libro", "231")],
                       "No. de certificado: QZ-2026-0884313 \u00b7 Código de verificación: 3RW8-K2FN-55TB")
CERT_MARISOL_EN = _sister(CERT_EN, {"JORGE ALBERTO MORALES PÉREZ": "MARISOL MORALES PÉREZ", "MALE": "FEMALE",
                                    "MAY 9, 1969": "AUGUST 30, 1974", "MAY 16, 1969": "SEPTEMBER 6, 1974",
                                    "25 YEARS": "30 YEARS", "29 YEARS": "34 YEARS"},
                          [("CUI (personal identification code)", "1873 40562 0901"), ("Entry", "2207"),
                           ("Page", "145"), ("Book", "231")],
                          "Certificate no. QZ-2026-0884313 \u00b7 Verification code: 3RW8-K2FN-55TB")


def birth(out: Path):
    note = ("English translation of the attached birth certificate issued in Spanish by the Registro Nacional de las "
            "Personas (RENAP), Guatemala, on November 5, 2026. Translated on November 10, 2026.")
    translated_certificate(out, "birth-certificate", CERT, CERT_EN, note, pagesize=LETTER)
    translated_certificate(out, "birth-certificate-marisol", CERT_MARISOL, CERT_MARISOL_EN, note, pagesize=LETTER)


# Jorge's hardware store: the certification of its entry in the commercial registry (Registro Mercantil), with the
# same CUI as his birth certificate and passport.
BUSINESS = {
    "header": ["REPÚBLICA DE GUATEMALA, C.A.", "REGISTRO MERCANTIL GENERAL DE LA REPÚBLICA",
               "Ministerio de Economía · Delegación departamental de Quetzaltenango"],
    "title": "CERTIFICACIÓN DE INSCRIPCIÓN DE EMPRESA MERCANTIL",
    "reg": [("Registro", "412807"), ("Folio", "118"), ("Libro", "389"), ("Expediente", "14873-2004")],
    "sections": [
        ("DATOS DE LA EMPRESA", [("Nombre comercial", "FERRETERÍA LOS ALTOS"),
                                 ("Dirección", "15 AVENIDA 4-18, ZONA 3, QUETZALTENANGO"),
                                 ("Actividad", "VENTA DE ARTÍCULOS DE FERRETERÍA"),
                                 ("Fecha de inscripción", "14 DE JUNIO DE 2004"),
                                 ("Situación", "VIGENTE")]),
        ("DATOS DEL PROPIETARIO", [("Nombre", "JORGE ALBERTO MORALES PÉREZ"), ("CUI", "2548 71963 0901"),
                                   ("Nacionalidad", "GUATEMALTECA"),
                                   ("Calidad", "COMERCIANTE INDIVIDUAL, ÚNICO PROPIETARIO")]),
    ],
    "notes_title": "ANOTACIONES:",
    "notes": "Patente de Comercio de Empresa extendida el 14 de junio de 2004. No constan anotaciones de cancelación, "
             "traspaso, embargo ni cambio de propietario.",
    "closing": "El infrascrito Registrador Mercantil CERTIFICA que los datos anteriores concuerdan con la inscripción "
               "que obra en este Registro y que la empresa se encuentra vigente. Quetzaltenango, doce de noviembre de "
               "dos mil veintiséis.",
    "registrar": ("Lic. Hugo Leonel Barrios Cajas", "Registrador Mercantil, Delegación de Quetzaltenango"),
    "seal_text": "REGISTRO MERCANTIL · QUETZALTENANGO · GUATEMALA ·",
    "code": "Certificación No. RM-QZ-2026-0317764 · Código de verificación: 4HXT-9QBC-22MR",
    "verify": "Esta certificación puede verificarse en el portal del Registro Mercantil con el código de verificación.",
    "fee": "Valor: Q. 20.00",
    "color": "#5b3a12",
}

BUSINESS_EN = {
    "header": ["REPUBLIC OF GUATEMALA, C.A.", "GENERAL COMMERCIAL REGISTRY OF THE REPUBLIC",
               "Ministry of Economy · Departmental office of Quetzaltenango"],
    "title": "CERTIFICATION OF REGISTRATION OF A COMMERCIAL BUSINESS",
    "reg": [("Registration", "412807"), ("Page", "118"), ("Book", "389"), ("File", "14873-2004")],
    "sections": [
        ("DETAILS OF THE BUSINESS", [("Trade name", "FERRETERÍA LOS ALTOS"),
                                     ("Address", "15 AVENIDA 4-18, ZONA 3, QUETZALTENANGO"),
                                     ("Activity", "SALE OF HARDWARE GOODS"),
                                     ("Date of registration", "JUNE 14, 2004"),
                                     ("Status", "IN FORCE")]),
        ("DETAILS OF THE OWNER", [("Name", "JORGE ALBERTO MORALES PÉREZ"),
                                  ("CUI (personal identification code)", "2548 71963 0901"),
                                  ("Nationality", "GUATEMALAN"),
                                  ("Capacity", "INDIVIDUAL MERCHANT, SOLE OWNER")]),
    ],
    "notes_title": "ENTRIES:",
    "notes": "Business license (Patente de Comercio de Empresa) issued on June 14, 2004. There are no entries of "
             "cancellation, transfer, attachment or change of owner.",
    "closing": "The undersigned Commercial Registrar CERTIFIES that the above details agree with the registration kept "
               "in this Registry and that the business is in force. Quetzaltenango, the twelfth of November of two "
               "thousand twenty-six.",
    "registrar": ("Lic. Hugo Leonel Barrios Cajas", "Commercial Registrar, Quetzaltenango office"),
    "seal_text": "COMMERCIAL REGISTRY · QUETZALTENANGO · GUATEMALA",
    "code": "Certification no. RM-QZ-2026-0317764 · Verification code: 4HXT-9QBC-22MR",
    "verify": "This certification can be verified on the Commercial Registry portal with the verification code.",
    "fee": "Fee: Q. 20.00",
}


def business(out: Path):
    translated_certificate(out, "business-registration", BUSINESS, BUSINESS_EN,
                           "English translation of the attached certification issued in Spanish by the Registro "
                           "Mercantil General de la República, Guatemala, on November 12, 2026. Translated on "
                           "November 17, 2026.", pagesize=LETTER)


PARISH = Letterhead(
    "Parroquia San Antonio de Padua", ["Diócesis de Quetzaltenango",
                                       "15 Avenida 6-30, Zona 3, Quetzaltenango, Guatemala",
                                       "Tel. +502 7555 0161 · parroquia.sanantonio@example.org"],
    color="#6b2d1f", logo="cross", footer="Parroquia San Antonio de Padua · Quetzaltenango, Guatemala")

REFERENCE_ES = [
    "El suscrito, párroco de la Parroquia San Antonio de Padua, zona 3 de la ciudad de Quetzaltenango, hace constar:",
    "Que conozco al señor <b>Jorge Alberto Morales Pérez</b>, con Código Único de Identificación 2548 71963 0901, desde "
    "hace más de veinte años, desde que llegué a servir a esta parroquia. Es miembro activo de nuestra comunidad, "
    "donde vive con su esposa, la señora Claudia Ajú de Morales, y sus dos hijos.",
    "Que el señor Morales Pérez es el propietario de la Ferretería Los Altos, en la 15 avenida 4-18 de la zona 3, que "
    "atiende personalmente desde el año 2004 y en la que da trabajo a cuatro personas de nuestra comunidad. En el barrio "
    "se le conoce como un comerciante honrado y responsable, que cumple sus compromisos.",
    "Que es un buen padre de familia y que desde hace más de diez años colabora como voluntario en la pastoral social "
    "de la parroquia, en la ayuda a las familias necesitadas.",
    "Que me consta que su señora madre, doña Rosa Elena Pérez Cifuentes, está gravemente enferma en los Estados Unidos "
    "y que él desea acompañarla. Su familia, su negocio y su vida están aquí, en Quetzaltenango.",
    "Y para los usos que al interesado convengan, extiendo la presente en la ciudad de Quetzaltenango, a los dieciséis "
    "días del mes de noviembre de dos mil veintiséis.",
]
REFERENCE_EN = [
    "The undersigned, parish priest of the Parish of San Antonio de Padua, zone 3 of the city of Quetzaltenango, "
    "certifies:",
    "That I have known Mr. <b>Jorge Alberto Morales Pérez</b>, holder of Personal Identification Code 2548 71963 0901, "
    "for more than twenty years, since I came to serve this parish. He is an active member of our community, where he "
    "lives with his wife, Mrs. Claudia Ajú de Morales, and their two children.",
    "That Mr. Morales Pérez is the owner of Ferretería Los Altos, at 15 avenida 4-18, zone 3, which he has run in "
    "person since 2004 and where he gives work to four people of our community. In the neighbourhood he is known as an "
    "honest and responsible businessman who keeps his commitments.",
    "That he is a good father and that for more than ten years he has volunteered in the social ministry of the "
    "parish, helping families in need.",
    "That I know that his mother, Mrs. Rosa Elena Pérez Cifuentes, is gravely ill in the United States and that he "
    "wishes to be with her. His family, his business and his life are here, in Quetzaltenango.",
    "Issued for whatever purposes may suit the interested party, in the city of Quetzaltenango, on the sixteenth day "
    "of the month of November of two thousand twenty-six.",
]


def reference(out: Path):
    """The parish priest's letter of reference: Jorge's character, his store and its four employees, his family."""
    translated_letter(
        out, "reference-letter", PARISH, D(2026, 11, 16), es=REFERENCE_ES, en=REFERENCE_EN,
        signer="Pbro. Julio César Tzoc Mendoza",
        signer_lines=["Párroco", "Parroquia San Antonio de Padua, Quetzaltenango", "Tel. +502 7555 0162"],
        re_es="CONSTANCIA DE BUENA CONDUCTA Y REFERENCIA", re_en="CERTIFICATE OF GOOD CONDUCT AND REFERENCE",
        title_es="Constancia de referencia", title_en="Translation - letter of reference",
        seal=("#6b2d1f", "PARROQUIA SAN ANTONIO DE PADUA · QUETZALTENANGO ·"),
        salutation_es="A quien interese:", salutation_en="To whom it may concern:",
        translator_note="English translation of the attached letter issued in Spanish by the Parroquia San Antonio de "
                        "Padua, Quetzaltenango, Guatemala, on November 16, 2026. Translated on November 17, 2026.",
        letterhead_en="Parroquia San Antonio de Padua · Diocese of Quetzaltenango · 15 Avenida 6-30, Zona 3, "
                      "Quetzaltenango, Guatemala · Tel. +502 7555 0161",
        seal_en="PARROQUIA SAN ANTONIO DE PADUA · QUETZALTENANGO",
        signer_en="<b>Father Julio César Tzoc Mendoza</b><br/>Parish priest<br/>Parroquia San Antonio de Padua, "
                  "Quetzaltenango<br/>Tel. +502 7555 0162")


def employer(path):
    paras = [
        "At the request of our employee, we confirm the following information about <b>Marisol Morales</b>:",
        Table([["Position", "Accounts Payable Supervisor, Finance Department"],
               ["Employment status", "Full-time, regular (non-temporary)"],
               ["Date of hire", "March 3, 2011"],
               ["Current annual salary", "$78,500.00, paid bi-weekly"],
               ["Benefits", "Medical, dental and 401(k) plan"]],
              colWidths=[2.0 * inch, 4.4 * inch],
              style=TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9.5),
                                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                                ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f6efe7"))])),
        Spacer(1, 8),
        "Ms. Morales is a valued employee in good standing. She continues to work full time in her position, at the "
        "annual salary shown above. On November 2, 2026 we also approved her request for intermittent family leave "
        "under the California Family Rights Act, to be taken as needed to care for her mother; her position is "
        "protected during that leave, and she has chosen to use her accrued paid time off for the hours she takes.",
        "For verification, please call the number above and quote reference HR-VER-26-1147.",
    ]
    letter(path, EMPLOYER, D(2026, 11, 9), paras, "Gregory T. Nakamura",
           ["Director of Human Resources", "Sunland Freight Services, Inc."], title="Employment verification")


def bank(path):
    a = Account(holder="Marisol Morales", address=["14822 Sherman Way Apt 207", "Van Nuys CA 91405-2218"],
                checking_no="7730415528", savings_no="7730415536", checking_end=6420.00, savings_end=34800.00,
                payer="SUNLAND FREIGHT SVCS", net_pay=2291.64, first_payday=D(2026, 10, 23),
                bills=[(1, "ACH DEBIT SHERMAN GARDENS APTS RENT", 2150.00), (8, "ACH DEBIT VALLEY POWER & WATER", 131.00),
                       (11, "ACH DEBIT PACIFIC MOBILE", 96.00), (14, "ACH DEBIT GOLDEN STATE AUTO INS", 156.00),
                       (22, "BILL PAY CHAVEZ PHARMACY", 85.00)],
                shops=["VALLEY FRESH MARKET", "NORTHGATE FOODS #7", "CVS PHARMACY #9120", "CHEVRON VAN NUYS",
                       "RALPHS #418", "TARGET T-0291", "PANADERIA LA GUADALUPANA"],
                to_savings=900.00,
                extras=[(D(2026, 10, 29), "POS PURCHASE CORDILLERA TRAVEL INS", -412.50)])
    bank_statements(path, BANK, a, [(2026, 9), (2026, 10)], seed="marisol")


def itinerary(path):
    rows = [["Flight", "Date", "From", "To", "Departs", "Arrives", "Class", "Status"],
            ["QZ 512", "Mon 04 JAN 2027", "Guatemala City (GUA)", "Los Angeles (LAX)", "08:15", "13:05", "Economy", "Confirmed"],
            ["QZ 513", "Fri 02 APR 2027", "Los Angeles (LAX)", "Guatemala City (GUA)", "14:30", "21:10", "Economy", "Confirmed"]]
    t = flight_table(rows)
    fare = fare_table([["Base fare", "$388.00"], ["Taxes, fees and charges", "$164.37"],
                       ["Total paid by card", "$552.37"]], label_width=2.4)
    story = [Paragraph("<b>ITINERARY RECEIPT / RECIBO DE ITINERARIO</b>", S["h2"]),
             Paragraph("Issued November 21, 2026 \u00b7 Booking reference <b>QZ7R4M</b> \u00b7 E-ticket "
                       "<b>871 2604419035</b>", S["sans"]),
             Paragraph("Passenger: <b>MORALES PEREZ / JORGE ALBERTO MR</b> \u00b7 Passport GTM 235487196", S["sans"]),
             Spacer(1, 8), t, Spacer(1, 10), fare, Spacer(1, 10),
             Paragraph("Baggage: 1 checked bag of up to 23 kg included on each flight. Date changes are permitted for a "
                       "fee plus any fare difference. Travel to the United States requires a valid visa or other "
                       "travel document; the airline may deny boarding to passengers without one.", S["sans"]),
             Paragraph("Purchased at: Agencia de Viajes Xelajú, 14 Avenida 3-21, Zona 1, Quetzaltenango.", S["sansS"])]
    build_doc(path, story, letterhead=AIRLINE, title="Itinerary receipt QZ7R4M", author="Quetzal Air")


INSURER = Letterhead(
    "Cordillera Travel Insurance Company", ["Visitor medical plans \u00b7 1800 Riverside Drive, Suite 400, Burbank, CA 91506",
                                            "Claims and assistance 24/7: (818) 555-0166 \u00b7 claims@example.org"],
    color="#5b3a82", logo="CT", footer="Cordillera Travel Insurance Company (fictional) \u00b7 certificate of coverage")


def insurance(path):
    """The certificate of the visitor medical policy Marisol bought for Jorge's stay (the $412.50 card charge of
    October 29, 2026 on her credit union statement)."""
    rows = [["Certificate number", "CTI-VM-2026-0481735"],
            ["Insured person", "MORALES PEREZ, JORGE ALBERTO, born May 9, 1969"],
            ["Passport", "Guatemala, 235487196"],
            ["Purchased by", "Marisol Morales, 14822 Sherman Way, Apt 207, Van Nuys, CA 91405"],
            ["Plan", "Visitor Medical Plus, individual; area of coverage: United States"],
            ["Period of coverage", "January 4, 2027 to April 4, 2027 (91 days)"],   # the sixth row is in bold
            ["Premium", "$412.50, paid in full on October 29, 2026"]]
    t = appointment_table(rows, top=True)
    benefits = Table([["Benefit", "Limit"],
                      ["Medical expenses for a sickness or injury, incl. hospital and physician", "$100,000"],
                      ["Deductible, per period of coverage", "$250"],
                      ["Emergency room visit (co-payment $100 after deductible)", "included"],
                      ["Emergency medical evacuation", "$50,000"],
                      ["Return of mortal remains", "$25,000"]], colWidths=[4.6 * inch, 1.9 * inch])
    benefits.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                                  ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ece6f3")),
                                  ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                                  ("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
                                  ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.lightgrey)]))
    story = [Paragraph("<b>CERTIFICATE OF COVERAGE</b>", S["h2"]),
             Paragraph("Issued October 29, 2026. This certificate confirms that the person named below is insured "
                       "under the plan and for the period shown.", S["sans"]), Spacer(1, 8), t, Spacer(1, 12),
             Paragraph("<b>Schedule of benefits</b> (per insured person, per period of coverage)", S["sansB"]),
             Spacer(1, 4), benefits, Spacer(1, 10),
             Paragraph("Hospitals and physicians may bill the company directly: show this certificate and call the "
                       "assistance line above. Pre-existing conditions are excluded except their acute, unexpected "
                       "onset (up to $25,000). The policy wording, which governs, is available on request.",
                       S["sans"]),
             Spacer(1, 24),
             Paragraph("Cordillera Travel Insurance Company \u00b7 Policy services \u00b7 certificate printed "
                       "10/29/2026", S["sansS"])]
    build_doc(path, story, letterhead=INSURER, title="Certificate of coverage CTI-VM-2026-0481735",
              author=INSURER.name)


VISA = Letterhead(
    "Nonimmigrant Visa Appointment Service \u2014 Guatemala", ["U.S. Embassy Guatemala City, Consular Section",
                                                               "Appointment confirmation and messages (printout)"],
    color="#22466e", logo="cross", footer="Printout of an online page (fictional)")


def appointment(path):
    """The embassy's appointment page after the refusal: the earliest interview, and the expedite request declined."""
    rows = [["Applicant", "MORALES PEREZ, JORGE ALBERTO"], ["Passport number", "235487196"],
            ["DS-160 confirmation", "AA00G5R2VN"], ["Visa class", "B-1/B-2 (business / tourism)"],
            ["Location", "U.S. Embassy Guatemala City, Avenida Reforma 7-01, Zona 10"],
            ["Interview appointment", "Tuesday, September 21, 2027 at 07:45"],
            ["Earliest date offered", "September 21, 2027 (booked October 29, 2026 at 19:12 CST)"],
            ["Expedited appointment request", "Submitted October 29, 2026 \u2014 not approved November 3, 2026"]]
    t = appointment_table(rows)
    msg = Table([[Paragraph("<b>Message from the Consular Section</b> \u00b7 November 3, 2026 \u00b7 Re: expedited "
                            "appointment request, MORALES PEREZ, JORGE ALBERTO", S["sans"])],
                 [Paragraph("Thank you for your request for an expedited interview appointment. We have reviewed it and "
                            "are unable to approve it at this time. Your application was refused under section 214(b) "
                            "of the Immigration and Nationality Act on October 27, 2026, and a request made so soon "
                            "after a refusal is not normally approved. Your appointment on September 21, 2027 remains "
                            "scheduled. Please do not submit another expedite request for the same travel.", S["sans"])]],
                colWidths=[6.5 * inch])
    msg.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
                             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f1f1")),
                             ("LINEBELOW", (0, 0), (-1, 0), 0.3, colors.lightgrey)]))
    story = [Paragraph("<b>Your appointment is confirmed</b>", S["h2"]),
             Paragraph("Print this page and bring it to your interview together with your passport and DS-160 "
                       "confirmation page.", S["sans"]), Spacer(1, 6), t, Spacer(1, 10),
             Paragraph("<b>Estimated wait time</b> for a nonimmigrant visitor visa interview appointment at U.S. Embassy "
                       "Guatemala City, as displayed on October 29, 2026: <b>327 calendar days</b>.", S["sans"]),
             Spacer(1, 8), Paragraph("<b>Messages</b>", S["sansB"]), msg,
             Spacer(1, 30),
             Paragraph("https://appointments.example.org/gt/confirmation?ref=AA00G5R2VN \u00b7 page 1 of 1 \u00b7 "
                       "printed 11/04/2026", S["sansS"])]
    build_doc(path, story, letterhead=VISA, title="Visa appointment confirmation", author=VISA.name)


def _stamp(c, x, y, w, h, color, lines, angle, box=True):
    """A rubber stamp: a rounded box (or an oval) with lines of text, slightly tilted."""
    c.saveState()
    c.translate(x + w / 2, y + h / 2)
    c.rotate(angle)
    c.setStrokeColor(colors.HexColor(color))
    c.setFillColor(colors.HexColor(color))
    c.setLineWidth(1.3)
    if box:
        c.roundRect(-w / 2, -h / 2, w, h, 6, stroke=1, fill=0)
    else:
        c.ellipse(-w / 2, -h / 2, w / 2, h / 2, stroke=1, fill=0)
    step = h / (len(lines) + 1)
    for i, (font, size, text) in enumerate(lines):
        c.setFont(font, size)
        c.drawCentredString(0, h / 2 - step * (i + 1) - size / 3, text)
    c.restoreState()


def visa_mrz() -> tuple[str, str]:
    """The two 44-character lines of the visa foil's machine-readable zone (ICAO 9303 part 7, MRV-A): the passport
    number, birth date and expiry date each followed by its check digit, then 16 characters of optional data."""
    num, dob, exp = "184203577", "690509", "220312"
    l1 = ("VNUSA" + _mrz_text("Morales Perez") + "<<" + _mrz_text("Jorge Alberto")).ljust(44, "<")
    l2 = (num + check_digit(num) + "GTM" + dob + check_digit(dob) + "M" + exp + check_digit(exp)
          + "B3GUA1234567").ljust(44, "<")
    return l1, l2


def _visa_page(c, W, H):
    """The U.S. visa foil in the earlier passport (vector drawing, fictional)."""
    c.setFillColor(colors.HexColor("#f4f1e8"))
    c.rect(0, 0, W, H, stroke=0, fill=1)
    fx, fy, fw, fh = 14, 40, W - 28, H - 80
    c.setFillColor(colors.HexColor("#e3ecf3"))
    c.setStrokeColor(colors.HexColor("#6b8aa8"))
    c.roundRect(fx, fy, fw, fh, 4, stroke=1, fill=1)
    c.setFillColor(colors.HexColor("#1d3262"))
    c.setFont("Helvetica-Bold", 10)
    c.drawString(fx + 10, fy + fh - 18, "UNITED STATES OF AMERICA")
    c.setFont("Helvetica-Bold", 8)
    c.drawRightString(fx + fw - 10, fy + fh - 18, "NONIMMIGRANT VISA")
    fields = [("Issuing Post Name", "GUATEMALA"), ("Control Number", "20120731440017"),
              ("Surname", "MORALES PEREZ"), ("Given Name", "JORGE ALBERTO"),
              ("Passport Number", "184203577"), ("Sex", "M"), ("Birth Date", "09MAY1969"), ("Nationality", "GTM"),
              ("Visa Type/Class", "R B1/B2"), ("Entries", "M"), ("Issue Date", "14MAR2012"),
              ("Expiration Date", "12MAR2022"), ("Annotation", "")]
    y = fy + fh - 38
    for i, (k, v) in enumerate(fields):
        col = i % 2
        x = fx + 100 + col * 120
        if col == 0 and i:
            y -= 20
        c.setFont("Helvetica", 5.5)
        c.setFillColor(colors.HexColor("#5a6a7a"))
        c.drawString(x, y + 8, k)
        c.setFont("Courier-Bold", 8.5)
        c.setFillColor(colors.black)
        c.drawString(x, y, v)
    c.setFillColor(colors.HexColor("#c8d2dc"))
    c.rect(fx + 12, fy + fh - 118, 76, 92, stroke=0, fill=1)
    c.setFillColor(colors.HexColor("#5a6a7a"))
    c.setFont("Helvetica", 6)
    c.drawCentredString(fx + 50, fy + fh - 75, "photo")
    c.setFont("Courier-Bold", 8.3)
    c.setFillColor(colors.black)
    for i, line in enumerate(visa_mrz()):
        c.drawString(fx + 10, fy + 22 - 12 * i, line)
    c.setFont("Helvetica", 6.5)
    c.setFillColor(colors.HexColor("#444444"))
    c.drawString(14, 14, "Previous passport No. 184203577 (Guatemala), issued March 2011, expired March 2021")


def _stamps_page(c, W, H):
    """Facing pages with the U.S. admission stamps and the Guatemalan re-entry stamps (fictional)."""
    c.setFillColor(colors.HexColor("#f4f1e8"))
    c.rect(0, 0, W, H, stroke=0, fill=1)
    c.setStrokeColor(colors.HexColor("#d8d2c0"))
    c.line(0, H / 2, W, H / 2)
    blue, violet, green = "#1f3c88", "#5b2a86", "#2e6b3a"
    _stamp(c, 18, H / 2 + 40, 150, 80, blue,
           [("Helvetica-Bold", 7, "U.S. IMMIGRATION"), ("Helvetica", 6.5, "170 LOS ANGELES, CA"),
            ("Helvetica-Bold", 8.5, "JUN 12 2012"), ("Helvetica", 6.5, "ADMITTED  CLASS B2"),
            ("Helvetica-Bold", 7.5, "UNTIL  DEC 11 2012")], -4)
    _stamp(c, 195, H / 2 + 50, 140, 70, violet,
           [("Helvetica-Bold", 6.5, "GUATEMALA \u00b7 MIGRACI\u00d3N"), ("Helvetica", 6, "AEROPUERTO LA AURORA"),
            ("Helvetica-Bold", 8.5, "10 JUL 2012"), ("Helvetica-Bold", 7, "ENTRADA / ENTRY")], 5, box=False)
    _stamp(c, 24, 40, 150, 80, blue,
           [("Helvetica-Bold", 7, "U.S. IMMIGRATION"), ("Helvetica", 6.5, "170 LOS ANGELES, CA"),
            ("Helvetica-Bold", 8.5, "AUG 02 2016"), ("Helvetica", 6.5, "ADMITTED  CLASS B2"),
            ("Helvetica-Bold", 7.5, "UNTIL  FEB 01 2017")], 3)
    _stamp(c, 200, 55, 140, 70, green,
           [("Helvetica-Bold", 6.5, "GUATEMALA \u00b7 MIGRACI\u00d3N"), ("Helvetica", 6, "AEROPUERTO LA AURORA"),
            ("Helvetica-Bold", 8.5, "30 AGO 2016"), ("Helvetica-Bold", 7, "ENTRADA / ENTRY")], -6, box=False)
    c.setFont("Helvetica", 6.5)
    c.setFillColor(colors.HexColor("#444444"))
    c.drawString(14, H / 2 + 8, "Passport 184203577, page 14")
    c.drawString(14, 8, "Passport 184203577, page 15")


def prior_travel(path):
    """Copies of the earlier passport's U.S. visa and the entry stamps of the 2012 and 2016 visits."""
    size = (360, 330)
    story = [Paragraph("COPIES OF PAGES OF THE PREVIOUS PASSPORT OF JORGE ALBERTO MORALES P\u00c9REZ", S["h2"]),
             Paragraph("Guatemalan passport No. 184203577 (issued March 2011, expired March 2021), kept by the holder. "
                       "Page 7: U.S. nonimmigrant visa, class B1/B2, issued in Guatemala on March 14, 2012.", S["small"]),
             Spacer(1, 6), Drawn(_visa_page, size, 5.0 * inch)]
    story2 = [Paragraph("Pages 14\u201315: U.S. admission stamps (Los Angeles, June 12, 2012 and August 2, 2016, class "
                        "B2) and Guatemalan entry stamps on his return (La Aurora airport, July 10, 2012 and August 30, "
                        "2016).", S["small"]), Spacer(1, 6), Drawn(_stamps_page, (360, 420), 5.0 * inch)]
    from reportlab.platypus import PageBreak
    build_doc(path, story + [PageBreak()] + story2, title="Previous passport pages", author="packetgen sample (fictional)")


# The mother's permanent resident card: her name, birth date and country of birth as on Jorge's birth certificate
# (RENAP) and the hospice letter; a resident since 1999, as the declaration says.
MOTHER_CARD = ResidentCard("Perez Cifuentes", "Rosa Elena", "071-583-226", "EW8", "Guatemala", D(1944, 2, 14), "F",
                           D(2029, 5, 20), D(1999, 3, 22), "SRC190412", "GTM")


def mother_card(path):
    """A photocopy of the front and back of the mother's permanent resident card, enlarged, on one page."""
    story = [Paragraph("COPY OF THE PERMANENT RESIDENT CARD OF ROSA ELENA P\u00c9REZ CIFUENTES", S["h2"]),
             Paragraph("Form I-551, front and back, enlarged. Copied from the original card by her daughter, Marisol "
                       "Morales, on November 20, 2026.", S["small"]), Spacer(1, 10),
             Paragraph("<b>Front</b>", S["small"]), Drawn(lambda c, w, h: draw_front(c, w, h, MOTHER_CARD), CARD,
                                                           4.6 * inch),
             Spacer(1, 16),
             Paragraph("<b>Back</b>", S["small"]), Drawn(lambda c, w, h: draw_back(c, w, h, MOTHER_CARD), CARD,
                                                          4.6 * inch)]
    build_doc(path, story, title="Permanent resident card of Rosa Elena Perez Cifuentes",
              author="packetgen sample (fictional)")


def photos(out: Path):
    passport_photo(out / "jorge-passport.jpg",
                   PassportData("GTM", "235487196", "Morales Pérez", "Jorge Alberto", D(1969, 5, 9), "M",
                                "Quetzaltenango, GTM", D(2021, 3, 18), D(2031, 3, 17), personal_no="2548719630901"),
                   seed="jorge", angle=3.1, background="cloth")
    passport_photo(out / "marisol-us-passport.jpg",
                   PassportData("USA", "A57720314", "Morales", "Marisol", D(1974, 8, 30), "F", "Guatemala",
                                D(2022, 6, 14), D(2032, 6, 13)),
                   seed="marisol", angle=-2.0, background="wood", size=(1200, 1600), scale=0.8)
    refusal_photo(out / "visa-refusal-214b.jpg",
                  [dict(post="U.S. Embassy Guatemala City", post_address="Guatemala City, Guatemala",
                        date=D(2026, 10, 27), surname="Morales Pérez", given="Jorge Alberto", passport="235487196",
                        barcode="AA00G3M8TZ", seed="jorge")],
                  seed="refusal-gt", size=(1500, 2000), placements=[((0.5, 0.5), -1.2)], background="laminate")

"""The demo country's forms and the exchange purposes their prefills use (pure data).

Why the child benefit form asks for the children: the population register records a child's
parents on the child's record, not a parent's children, so the parent's own record cannot
answer "which children do you have" (a derived value in the registers would).
"""

from __future__ import annotations

from typing import Any

NAME_ADDRESS = ["given_name", "family_name", "street", "house_number", "postcode", "town"]


def t(en: str, fr: str) -> dict[str, str]:
    return {"en": en, "fr": fr}


def register_field(name: str, label: dict[str, str], register: str, purpose: str,
                   field: str | None = None, kind: str = "text") -> dict[str, Any]:  # fmt: skip
    return {
        "name": name,
        "type": kind,
        "label": label,
        "required": True,
        "prefill": {"register": register, "field": field or name, "purpose": purpose},
    }


def about_you(purpose: str) -> dict[str, Any]:
    labels = {
        "given_name": t("First name", "Prénom"),
        "family_name": t("Last name", "Nom"),
        "street": t("Street", "Rue"),
        "house_number": t("House number", "Numéro"),
        "postcode": t("Postcode", "Code postal"),
        "town": t("Town", "Ville"),
    }
    return {
        "name": "about_you",
        "title": t("About you", "Vous concernant"),
        "fields": [register_field(n, labels[n], "population", purpose) for n in NAME_ADDRESS],
    }


def contact_page() -> dict[str, Any]:
    return {
        "name": "contact",
        "title": t("How we contact you", "Comment vous joindre"),
        "fields": [
            {"name": "email", "type": "email", "label": t("Email address", "Adresse e-mail"),
             "required": True},
            {"name": "phone", "type": "phone", "label": t("Telephone number", "Téléphone"),
             "hint": t("We call only if we need to ask you something.",
                       "Nous n'appelons que si nous avons une question.")},
        ],
    }  # fmt: skip


PARKING_FORM: dict[str, Any] = {
    "title": t("Apply for a residents' parking permit", "Demander une carte de stationnement"),
    "pages": [
        about_you("parking-permit"),
        {
            "name": "vehicle",
            "title": t("Your vehicle", "Votre véhicule"),
            "fields": [
                register_field(
                    "plate", t("Number plate", "Immatriculation"), "vehicles", "parking-permit"
                ),
                register_field("make", t("Make", "Marque"), "vehicles", "parking-permit"),
                {
                    "name": "zone",
                    "type": "choice",
                    "label": t("Parking zone", "Zone"),
                    "required": True,
                    "options": [
                        {"value": "A", "label": t("Zone A (centre)", "Zone A (centre)")},
                        {"value": "B", "label": t("Zone B", "Zone B")},
                        {"value": "C", "label": t("Zone C", "Zone C")},
                    ],
                },
                {
                    "name": "disabled_badge",
                    "type": "yesno",
                    "required": True,
                    "label": t(
                        "Do you hold a disabled parking badge?",
                        "Avez-vous une carte de stationnement handicapé ?",
                    ),
                },
            ],
        },  # fmt: skip
        {
            "name": "badge",
            "title": t("Your disabled parking badge", "Votre carte handicapé"),
            "condition": {"field": "disabled_badge", "equals": True},
            "fields": [
                {
                    "name": "badge_number",
                    "type": "text",
                    "required": True,
                    "label": t("Badge number", "Numéro de carte"),
                    "hint": t("6 digits, on the front of the badge.", "6 chiffres, au recto."),
                    "validation": {"pattern": "^[0-9]{6}$"},
                },
                {
                    "name": "badge_scan",
                    "type": "file",
                    "label": t("A photo or scan of the badge", "Une photo ou un scan de la carte"),
                    "hint": t("PDF, JPEG or PNG.", "PDF, JPEG ou PNG."),
                },
            ],
        },  # fmt: skip
        {
            "name": "dates",
            "title": t("When you need it", "Quand vous en avez besoin"),
            "fields": [
                {
                    "name": "start_on",
                    "type": "date",
                    "required": True,
                    "label": t("Start date", "Date de début"),
                    "validation": {"min": "today"},
                },
            ],
        },  # fmt: skip
        contact_page(),
    ],
}

CHILD_BENEFIT_FORM: dict[str, Any] = {
    "title": t("Claim child benefit", "Demander les allocations familiales"),
    "pages": [
        about_you("child-benefit"),
        {
            "name": "child",
            "title": t("The child", "L'enfant"),
            "fields": [
                {
                    "name": "child_name",
                    "type": "text",
                    "required": True,
                    "label": t("Child's full name", "Nom complet de l'enfant"),
                },
                {
                    "name": "child_birth_date",
                    "type": "date",
                    "required": True,
                    "label": t("Child's date of birth", "Date de naissance de l'enfant"),
                    "validation": {"max": "today"},
                },
                {
                    "name": "lives_with_you",
                    "type": "yesno",
                    "required": True,
                    "label": t("Does the child live with you?", "L'enfant vit-il avec vous ?"),
                },
                {
                    "name": "household_income",
                    "type": "money",
                    "required": True,
                    "label": t(
                        "Your household's income per month, before tax",
                        "Revenu mensuel de votre foyer, avant impôts",
                    ),
                    "hint": t(
                        "The child benefit rules compare it with the income limit.",
                        "Les règles des allocations familiales le comparent au plafond de revenus.",
                    ),
                    "validation": {"min": 0, "max": 1000000},
                },
                {
                    "name": "birth_certificate",
                    "type": "file",
                    "label": t(
                        "Birth certificate (if the birth was abroad)",
                        "Acte de naissance (si l'enfant est né à l'étranger)",
                    ),
                },
            ],
        },  # fmt: skip
        {
            "name": "bank",
            "title": t("Where we pay", "Où nous payons"),
            "fields": [
                {
                    "name": "iban",
                    "type": "text",
                    "required": True,
                    "label": t("IBAN", "IBAN"),
                    "validation": {
                        "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9 ]{10,30}$",
                        "max_length": 42,
                    },
                },
            ],
        },  # fmt: skip
        contact_page(),
    ],
}

START_UP_GRANT_FORM: dict[str, Any] = {
    "title": t("Apply for a business start-up grant", "Demander une aide à la création"),
    "pages": [
        {
            "name": "business",
            "title": t("Your business", "Votre entreprise"),
            "fields": [
                register_field(
                    "business_name",
                    t("Business name", "Raison sociale"),
                    "businesses",
                    "start-up-grant",
                    "name",
                ),
                register_field(
                    "registration_number",
                    t("Registration number", "Numéro"),
                    "businesses",
                    "start-up-grant",
                ),
                register_field(
                    "legal_form", t("Legal form", "Forme juridique"), "businesses", "start-up-grant"
                ),
                register_field(
                    "founded_on",
                    t("Founded on", "Créée le"),
                    "businesses",
                    "start-up-grant",
                    kind="date",
                ),
            ],
        },  # fmt: skip
        {
            "name": "plan",
            "title": t("Your plan", "Votre projet"),
            "fields": [
                {
                    "name": "business_sector",
                    "type": "choice",
                    "required": True,
                    "label": t("Sector of your business", "Secteur de votre entreprise"),
                    "options": [
                        {"value": "manufacturing", "label": t("Manufacturing", "Industrie")},
                        {"value": "crafts", "label": t("Crafts and trades", "Artisanat")},
                        {"value": "digital", "label": t("Digital services", "Services numériques")},
                        {"value": "retail", "label": t("Retail", "Commerce de détail")},
                        {
                            "value": "finance",
                            "label": t("Finance and insurance", "Finance et assurance"),
                        },
                    ],
                },
                {
                    "name": "employees",
                    "type": "number",
                    "required": True,
                    "label": t("How many people will you employ?", "Combien d'employés ?"),
                    "validation": {"min": 0, "max": 250},
                },
                {
                    "name": "amount",
                    "type": "money",
                    "required": True,
                    "label": t("How much do you ask for?", "Quel montant demandez-vous ?"),
                    "validation": {"min": 500, "max": 25000},
                },
                {
                    "name": "business_plan",
                    "type": "file",
                    "required": True,
                    "label": t("Your business plan", "Votre plan d'affaires"),
                    "hint": t("PDF, at most 10 pages.", "PDF, 10 pages au plus."),
                },
            ],
        },  # fmt: skip
        contact_page(),
    ],
}

HOUSING_FORM: dict[str, Any] = {
    "title": t("Apply for housing allowance", "Demander l'aide au logement"),
    "pages": [
        about_you("housing-allowance"),
        {
            "name": "home",
            "title": t("Your home", "Votre logement"),
            "fields": [
                {
                    "name": "tenure",
                    "type": "choice",
                    "required": True,
                    "label": t("Do you rent your home?", "Êtes-vous locataire ?"),
                    "options": [
                        {"value": "rent", "label": t("I rent it", "Je loue")},
                        {"value": "own", "label": t("I own it", "J'en suis propriétaire")},
                    ],
                },
            ],
        },  # fmt: skip
        {
            "name": "rent",
            "title": t("Your rent", "Votre loyer"),
            "condition": {"field": "tenure", "equals": "rent"},
            "fields": [
                {
                    "name": "monthly_rent",
                    "type": "money",
                    "required": True,
                    "label": t("Monthly rent", "Loyer mensuel"),
                    "validation": {"min": 1, "max": 5000},
                },
                {
                    "name": "landlord_address",
                    "type": "address",
                    "label": t("Your landlord's address", "Adresse du bailleur"),
                },
            ],
        },  # fmt: skip
        {
            "name": "household",
            "title": t("Your household", "Votre foyer"),
            "fields": [
                {
                    "name": "household_size",
                    "type": "number",
                    "required": True,
                    "label": t("How many people live in your home?", "Combien de personnes ?"),
                    "validation": {"min": 1, "max": 20},
                },
                {
                    "name": "yearly_income",
                    "type": "money",
                    "required": True,
                    "label": t("Household income last year", "Revenus du foyer l'an dernier"),
                },
            ],
        },  # fmt: skip
        contact_page(),
    ],
}

ADDRESS_FIELDS = [f"population.{f}" for f in NAME_ADDRESS]
# (code, name, legal basis, allowed fields, requesters: org codes or "*local", registers)
PURPOSES: list[dict[str, Any]] = [
    dict(
        code="parking-permit",
        name="Residents' parking permits",
        description="To fill in your name, address and vehicle when you apply for a permit.",
        legal_basis="Road Traffic Act 2001, s. 45 (residents' parking)",
        fields=[*ADDRESS_FIELDS, "vehicles.plate", "vehicles.make"],
        requesters="*local",
    ),
    dict(
        code="child-benefit",
        name="Child benefit",
        description="To fill in your name and address when you claim child benefit.",
        legal_basis="Family Allowances Act 2011, s. 9",
        fields=ADDRESS_FIELDS,
        requesters="social-insurance",
    ),
    dict(
        code="housing-allowance",
        name="Housing allowance",
        description="To fill in your name and address when you apply for housing allowance.",
        legal_basis="Housing Support Act 2013, s. 8",
        fields=ADDRESS_FIELDS,
        requesters="social-insurance",
    ),
    dict(
        code="start-up-grant",
        name="Business start-up grants",
        description="To fill in your business's details from the business register.",
        legal_basis="Enterprise Support Act 2018, s. 4",
        fields=[
            f"businesses.{f}" for f in ("name", "registration_number", "legal_form", "founded_on")
        ],
        requesters="government",
    ),  # fmt: skip
]
# service code (or kind, for one form per municipality) -> form
FORMS: list[tuple[str, dict[str, Any]]] = [
    ("parking-permit", PARKING_FORM),
    ("child-benefit", CHILD_BENEFIT_FORM),
    ("business-start-up-grant", START_UP_GRANT_FORM),
    ("housing-allowance", HOUSING_FORM),
]

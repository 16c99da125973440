"""Word lists that give generated users, projects and time entries realistic text."""

from __future__ import annotations

# Every generated team has one member in each of these zones, so the data always
# contains a +05:30 offset, a UTC user serialised with "Z", and DST changes in both
# hemispheres, including Adelaide's half-hour +10:30/+09:30 switch.
CORE_TIME_ZONES: tuple[str, ...] = (
    "Asia/Kolkata",
    "America/New_York",
    "Europe/Berlin",
    "UTC",
    "Australia/Adelaide",
    "America/Los_Angeles",
)

PEOPLE_BY_TIME_ZONE: dict[str, tuple[str, ...]] = {
    "Asia/Kolkata": ("Priya Raman", "Arjun Mehta", "Ananya Iyer", "Rohan Desai"),
    "America/New_York": (
        "Maya Johnson",
        "Ethan Brooks",
        "Sofia Alvarez",
        "Marcus Reed",
    ),
    "Europe/Berlin": ("Jonas Weber", "Lena Schäfer", "Felix Krüger", "Mia Hoffmann"),
    "UTC": ("Tomás Silva", "Noor Haddad", "Kai Andersen"),
    "Australia/Adelaide": ("Olivia Nguyen", "Jack O'Brien", "Chloe Tran"),
    "America/Los_Angeles": ("Diego Ramírez", "Hannah Kim", "Tyler Chen"),
    "Europe/London": ("Amelia Clarke", "Oliver Bennett"),
    "Asia/Tokyo": ("Yuki Tanaka", "Haruto Sato"),
    "America/Sao_Paulo": ("Beatriz Costa", "Lucas Oliveira"),
}

# Project name and client. A project without a client is internal work.
PROJECTS: tuple[tuple[str, str | None], ...] = (
    ("Website Redesign", "Acme Corp"),
    ("Mobile App v2", "Acme Corp"),
    ("Checkout Revamp", "Globex"),
    ("Data Warehouse Migration", "Globex"),
    ("Café Lumière Website", "Café Lumière"),
    ("ERP-Integration", "Müller & Söhne GmbH"),
    ("Support Retainer", "Initech"),
    ("Brand Refresh", "Umbrella Health"),
    ("Patient Portal", "Umbrella Health"),
    ("Quarterly Audit", "Stark Ledger LLP"),
    ("Analytics Dashboard", "Northwind Traders"),
    ("Inventory Sync", "Northwind Traders"),
    ("Localization (日本語)", "Sakura Retail K.K."),
    ("Store Onboarding Flow", "Sakura Retail K.K."),
    ("Pitch Deck", "Blue Harbor Ventures"),
    ("Due Diligence", "Blue Harbor Ventures"),
    ("Internal Tools", None),
    ("Design System", None),
    ("Hiring", None),
    ("Training & Learning", None),
    ("Infrastructure", None),
    ("Sales Demos", None),
    ("Customer Onboarding", None),
    ("Security Review", None),
    ("API Gateway", None),
    ("Billing Service", None),
    ("Marketing Site", None),
    ("Research Spikes", None),
    ("Office Admin", None),
    ("Release Management", None),
)

PROJECT_COLORS: tuple[str, ...] = (
    "#0b83d9",
    "#9e5bd9",
    "#d94182",
    "#e36a00",
    "#bf7000",
    "#2da608",
    "#06a893",
    "#c9806b",
    "#465bb3",
    "#990099",
    "#c7af14",
    "#566614",
    "#d92b2b",
    "#525266",
)

TAGS: tuple[str, ...] = (
    "meeting",
    "development",
    "review",
    "design",
    "support",
    "admin",
    "research",
    "bugfix",
    "planning",
    "documentation",
    "deep-work",
    "urgent",
    "training",
    "sales",
)

ACTIVITIES: tuple[str, ...] = (
    "Code review",
    "Standup",
    "Sprint planning",
    "Bug triage",
    "Pair programming",
    "Client call",
    "Write tests",
    "Refactor",
    "Deploy",
    "Incident follow-up",
    "Design review",
    "Documentation",
    "Email and chat",
    "1:1",
    "Interview",
    "Research",
    "Prototype",
    "Retro",
    "Estimate",
    "QA pass",
    "Update roadmap",
    "Prepare invoice",
    "Workshop",
    "Onboarding",
    "Fix flaky test",
    "Performance tuning",
    "Data cleanup",
    "Write proposal",
    "Customer support",
    "Release notes",
)

SUBJECTS: tuple[str, ...] = (
    "login flow",
    "checkout page",
    "invoice export",
    "search API",
    "mobile navigation",
    "billing webhook",
    "CSV import",
    "dashboard charts",
    "user settings",
    "onboarding emails",
    "cache layer",
    "database indexes",
    "permissions model",
    "dark mode",
    "PDF reports",
    "nightly sync job",
    "rate limiter",
    "pricing page",
    "Android build",
    "iOS build",
    "SSO integration",
    "audit log",
    "time zone handling",
    "notification service",
    "staging environment",
)

TICKET_PREFIXES: tuple[str, ...] = ("WEB", "APP", "OPS", "DATA", "SUP")

# Descriptions written outside English, including a four-byte UTF-8 emoji, so
# encoders and database collations see more than ASCII.
NON_ENGLISH_DESCRIPTIONS: tuple[str, ...] = (
    "Réunion d'équipe",
    "Überarbeitung Angebot",
    "Revisión de diseño",
    "設計レビュー",
    "Kundengespräch",
    "Планирование спринта",
    "Go-live 🚀",
)

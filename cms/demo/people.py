"""Demo organisations, people and taxonomy. Demo data only: never load it into production."""

# One password for every demo account, printed by `load_demo_data` and listed in the README.
DEMO_PASSWORD = "responsible-demo-2026"  # noqa: S105 - documented demo credential
# Roles that must use two-factor authentication get a TOTP authenticator with this published
# secret; `manage.py demo_totp_code` prints the current code (DEBUG only).
DEMO_TOTP_SECRET = "KRUGS4ZANVQXI2LOEBSGK3LPEBXW43DZ"  # noqa: S105 - documented demo credential

TOPICS = [
    ("export-controls", "Export controls and due diligence",
     "Knowing your customer, screening end uses and respecting export licensing."),
    ("vulnerability-disclosure", "Vulnerability disclosure",
     "Coordinated disclosure, bug bounties and handling reports responsibly."),
    ("training-awareness", "Training and awareness",
     "Building a culture of responsible behaviour through exercises and education."),
    ("reporting-whistleblowing", "Reporting and whistleblowing",
     "Confidential channels for staff and partners to raise concerns."),
    ("incident-response", "Incident response",
     "Preparing for, handling and learning from security incidents."),
    ("supply-chain", "Supply chain",
     "Managing risk that comes from suppliers, resellers and partners."),
    ("intrusion-capabilities", "Commercial intrusion capabilities",
     "Responsible development, sale and use of offensive cyber tools and services."),
]

AUDIENCES = [
    ("small-firms", "Small firms", "Companies with fewer than 50 staff."),
    ("large-firms", "Large firms", "Established companies with compliance teams."),
    ("government-buyers", "Government buyers", "Public bodies that procure cyber services."),
    ("researchers", "Researchers", "Academic and independent security researchers."),
]

# slug, name, kind, size band, approved, description
ORGANISATIONS = [
    ("northbridge-cyber-office", "Northbridge National Cyber Office", "government", "", True,
     "The national authority for cyber security policy, export licensing advice and "
     "incident coordination."),
    ("harbourline-security", "Harbourline Security", "industry", "large", True,
     "A long-established security vendor offering testing, monitoring and incident response, "
     "and mentoring smaller firms on compliance."),
    ("fenwick-vale", "Fenwick & Vale Testing", "industry", "small", True,
     "A twelve-person penetration testing consultancy."),
    ("kestrel-labs", "Kestrel Threat Labs", "industry", "micro", True,
     "A four-person threat research start-up."),
    ("eastmoor-university", "University of Eastmoor Centre for Cyber Norms", "academia", "", True,
     "Researchers studying norms, law and ethics of state and commercial cyber operations."),
    ("open-conduct-network", "Open Conduct Network", "civil_society", "", True,
     "A civil society network monitoring the misuse of surveillance and intrusion tools."),
    ("cyber-suppliers-association", "Association of Cyber Security Suppliers", "trade_body", "",
     True, "The trade body for cyber security suppliers, maintaining shared codes of practice."),
    ("greyfield-systems", "Greyfield Systems", "industry", "medium", False,
     "A firm that has asked to join and is waiting for a moderator's approval."),
]

# email, first name, last name, organisation slug (or None), role, flags
USERS = [
    ("admin@example.org", "Sam", "Admin", None, None, {"superuser": True}),
    ("moderator@example.org", "Morgan", "Moderator", None, None, {"moderator": True}),
    ("member@harbourline.example.org", "Hana", "Member", "harbourline-security", "member", {}),
    ("contributor@harbourline.example.org", "Cal", "Contributor", "harbourline-security",
     "contributor", {}),
    ("publisher@harbourline.example.org", "Pat", "Publisher", "harbourline-security",
     "publisher", {}),
    ("orgadmin@harbourline.example.org", "Alex", "Orgadmin", "harbourline-security", "admin", {}),
    ("publisher@northbridge.example.org", "Nia", "Publisher", "northbridge-cyber-office",
     "publisher", {}),
    ("member@northbridge.example.org", "Noor", "Member", "northbridge-cyber-office", "member", {}),
    ("orgadmin@fenwick.example.org", "Fin", "Orgadmin", "fenwick-vale", "admin", {}),
    ("member@kestrel.example.org", "Kit", "Member", "kestrel-labs", "member", {}),
    ("red.recipient@kestrel.example.org", "Rae", "Recipient", "kestrel-labs", "member", {}),
    ("contributor@eastmoor.example.org", "Eli", "Contributor", "eastmoor-university",
     "contributor", {}),
    ("member@openconduct.example.org", "Ola", "Member", "open-conduct-network", "member", {}),
    ("publisher@suppliers.example.org", "Sol", "Publisher", "cyber-suppliers-association",
     "publisher", {}),
    ("unverified@fenwick.example.org", "Uma", "Unverified", "fenwick-vale", "member",
     {"unverified": True}),
    ("visitor@example.org", "Vic", "Visitor", None, None, {}),
]

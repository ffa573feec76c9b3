"""Demo shared items (guidance, case studies, standards and scenarios): demo data only."""

# Every item is a plain dict; cms.demo loads them under their source organisation's page.
# Rich text blocks are ("heading", text), ("paragraph", html) or ("callout", {title, text}).

RED_RECIPIENT = "red.recipient@kestrel.example.org"


def _h(text):
    return ("heading", text)


def _p(html):
    return ("paragraph", html)


def _c(title, html):
    return ("callout", {"title": title, "text": html})


GUIDANCE = [
    {
        "type": "guidance",
        "org": "northbridge-cyber-office",
        "title": "Know your customer for intrusion software: a ten-step screening routine",
        "slug": "know-your-customer-intrusion-software",
        "summary": (
            "A practical routine for checking who is buying an intrusion capability, what they "
            "will use it for and whether an export licence is needed, before anything is signed."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["export-controls", "intrusion-capabilities"],
        "audiences": ["small-firms", "large-firms"],
        "days_ago": 212,
        "reviewed_days_ago": 31,
        "body": [
            _h("Why screening comes before the contract"),
            _p(
                "<p>Most export control problems in our sector start with a sale that looked "
                "routine. Once a contract is signed, commercial pressure makes it much harder to "
                "stop. A screening routine that is followed every time, and written down, "
                "protects the firm, its staff and the people who could be harmed if a capability "
                "is misused.</p>"
            ),
            _h("The ten steps"),
            _p(
                "<ol>"
                "<li><strong>Identify the legal entity.</strong> Record the full registered name, "
                "number and address, and check them against the company registry.</li>"
                "<li><strong>Identify who owns and controls it.</strong> Name every beneficial "
                "owner with 25% or more, and any person who directs the business.</li>"
                "<li><strong>Screen every name.</strong> Check the entity, owners, directors and "
                "any named end user against the consolidated sanctions and denied-party lists. "
                "Record the date and the list versions used.</li>"
                "<li><strong>Obtain a written end-use statement.</strong> It should name the end "
                "user, the location of use and the purpose, and be signed by someone with "
                "authority.</li>"
                "<li><strong>Classify the item.</strong> Check the product and any training or "
                "support against the control list. If unsure, use the classification advice "
                "service.</li>"
                "<li><strong>Assess the destination.</strong> Check embargoes and the published "
                "human rights risk rating for the country of end use.</li>"
                "<li><strong>Look for red flags.</strong> Use the list below and record each one "
                "you considered, not only those you found.</li>"
                "<li><strong>Decide on a licence.</strong> If one is needed, apply and wait for "
                "the decision before any delivery, demonstration or remote access.</li>"
                "<li><strong>Get a second signature.</strong> A person who earns no commission "
                "on the sale signs off the screening file.</li>"
                "<li><strong>Keep the file and rescreen.</strong> Keep records for at least five "
                "years and repeat steps 3 to 7 at every renewal or change of end user.</li>"
                "</ol>"
            ),
            _c(
                "Red flags that should pause a sale",
                "<ul>"
                "<li>The customer will not name the end user, or names a ministry but no "
                "department.</li>"
                "<li>Payment is offered from a third country or a personal account.</li>"
                "<li>Requests to remove logging, licence checks or audit features.</li>"
                "<li>Delivery to a freight forwarder or a country other than the end user's.</li>"
                "<li>A newly formed company with no trading history or web presence.</li>"
                "<li>Unusual urgency, or an offer to pay more for a faster delivery.</li>"
                "</ul>",
            ),
            _h("When to ask for help"),
            _p(
                "<p>If any step leaves you unsure, pause and ask. The Northbridge export "
                "licensing advice line answers classification questions within ten working "
                "days, and asking never counts against you. Small firms can also ask a mentor "
                "through the Association of Cyber Security Suppliers' buddying scheme.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "cyber-suppliers-association",
        "title": "Publishing a vulnerability disclosure policy in one afternoon",
        "slug": "vulnerability-disclosure-policy-in-an-afternoon",
        "summary": (
            "A realistic plan for a small supplier to publish its first vulnerability disclosure "
            "policy, open a reporting address and agree who answers reports."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["vulnerability-disclosure"],
        "audiences": ["small-firms"],
        "days_ago": 344,
        "reviewed_days_ago": 62,
        "body": [
            _h("What the policy must say"),
            _p(
                "<ul>"
                "<li><strong>Scope:</strong> which products, services and domains are covered, "
                "and which are not.</li>"
                "<li><strong>How to report:</strong> one address, monitored by at least two "
                "people, with an optional encryption key.</li>"
                "<li><strong>What reporters can expect:</strong> acknowledgement within five "
                "working days and an update at least every thirty days.</li>"
                "<li><strong>What you ask of reporters:</strong> no access to data beyond what "
                "proves the issue, no disruption, and reasonable time to fix.</li>"
                "<li><strong>Safe harbour:</strong> a plain statement that you will not take "
                "legal action against good-faith research within the policy.</li>"
                "<li><strong>Credit:</strong> whether and how you acknowledge reporters.</li>"
                "</ul>"
            ),
            _h("An afternoon plan"),
            _p(
                "<ol>"
                "<li><strong>30 minutes:</strong> agree the scope and a named owner.</li>"
                "<li><strong>45 minutes:</strong> adapt the association's template policy; "
                "delete anything you cannot honour.</li>"
                "<li><strong>30 minutes:</strong> create a shared security mailbox and publish "
                "a security.txt file that points to it and to the policy.</li>"
                "<li><strong>30 minutes:</strong> write a one-page triage note: how to rate "
                "severity, who to call out of hours, who may talk to the reporter.</li>"
                "<li><strong>30 minutes:</strong> ask your legal adviser to check the safe "
                "harbour wording.</li>"
                "<li><strong>15 minutes:</strong> publish the policy and link it from your site "
                "footer.</li>"
                "</ol>"
            ),
            _c(
                "Do not promise what you cannot deliver",
                "<p>A policy that promises a fix within fourteen days and then misses it does "
                "more damage than one that promises regular updates. Choose timescales your "
                "team can keep in its busiest month.</p>",
            ),
            _h("After publication"),
            _p(
                "<p>Send a test report to the mailbox every quarter to make sure it still "
                "reaches people. Review the policy once a year, and after any report that did "
                "not go well.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "eastmoor-university",
        "title": "Reporting vulnerabilities safely and lawfully: a guide for researchers",
        "slug": "reporting-vulnerabilities-safely-researchers",
        "summary": (
            "How independent and academic researchers can find, document and report "
            "vulnerabilities while limiting legal risk to themselves and harm to users."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["vulnerability-disclosure", "training-awareness"],
        "audiences": ["researchers"],
        "days_ago": 151,
        "reviewed_days_ago": None,
        "body": [
            _h("Before you start testing"),
            _p(
                "<ul>"
                "<li>Check whether the organisation publishes a disclosure policy, and read "
                "its scope carefully.</li>"
                "<li>Test only systems you own or are clearly authorised to test. Prefer a lab "
                "copy of the software to a live service.</li>"
                "<li>Keep a dated research log of what you did and why.</li>"
                "<li>If you are a student or staff member, tell your supervisor and check "
                "whether ethics review is needed.</li>"
                "</ul>"
            ),
            _h("Documenting what you find"),
            _p(
                "<p>Collect the minimum evidence that shows the issue exists. If you come "
                "across personal data, <strong>stop</strong>, do not copy or keep it, and "
                "record in your log that you stopped. A screenshot with records blurred is "
                "nearly always enough.</p>"
            ),
            _c(
                "If there is no disclosure policy",
                "<ol>"
                "<li>Look for a security contact in a security.txt file or the site's legal "
                "pages.</li>"
                "<li>If there is none, ask the Northbridge coordinated disclosure service to "
                "act as an intermediary.</li>"
                "<li>Never make payment a condition of sharing details.</li>"
                "<li>Propose a disclosure date, usually ninety days, and be willing to extend "
                "it when the vendor is making real progress.</li>"
                "</ol>",
            ),
            _h("Publishing responsibly"),
            _p(
                "<p>Publish after a fix is available or the agreed date has passed. Leave out "
                "anything that turns your write-up into a ready-made attack tool, offer the "
                "vendor a chance to comment on a draft, and credit anyone who helped.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "fenwick-vale",
        "title": "Setting up a whistleblowing channel in a twelve-person firm",
        "slug": "whistleblowing-channel-small-firm",
        "summary": (
            "What Fenwick & Vale learned building a confidential reporting route when everyone "
            "knows everyone, including an external option and a simple case log."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["reporting-whistleblowing"],
        "audiences": ["small-firms"],
        "days_ago": 96,
        "reviewed_days_ago": 21,
        "body": [
            _h("The problem with small teams"),
            _p(
                "<p>In a firm of twelve, real anonymity is hard. A concern about a particular "
                "contract can often be traced to the two people who worked on it. We decided "
                "we could not promise anonymity, but we could promise confidentiality, choice "
                "and protection from detriment.</p>"
            ),
            _h("Three routes"),
            _p(
                "<ol>"
                "<li><strong>Internal:</strong> a named partner who has no role in sales or "
                "bonuses receives concerns in person or by email.</li>"
                "<li><strong>External:</strong> an independent ombuds service that we share "
                "with two other small firms through the trade association, splitting the "
                "cost.</li>"
                "<li><strong>Regulator:</strong> staff are told in writing that they can "
                "always go straight to the Northbridge National Cyber Office or the relevant "
                "prescribed body, without using either of the other routes first.</li>"
                "</ol>"
            ),
            _c(
                "What we promise anyone who raises a concern",
                "<ul>"
                "<li>No detriment for raising a concern in good faith, even if it turns out "
                "to be unfounded.</li>"
                "<li>Acknowledgement within three working days.</li>"
                "<li>A summary of the outcome, as far as confidentiality allows.</li>"
                "<li>Your identity is shared only with your consent, or where the law "
                "requires it.</li>"
                "</ul>",
            ),
            _h("Keeping a case log"),
            _p(
                "<p>We keep a spreadsheet with restricted access recording the date, route, "
                "category, actions taken and date closed. The summary column never contains "
                "names. The external ombuds reviews the log twice a year and reports any "
                "pattern to the partners.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "harbourline-security",
        "title": "Incident response retainers: twelve questions to ask before you sign",
        "slug": "incident-response-retainer-questions",
        "summary": (
            "Questions small firms and public buyers should put to an incident response "
            "provider so that a retainer works on the worst day, not just on paper."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["incident-response", "supply-chain"],
        "audiences": ["small-firms", "government-buyers"],
        "days_ago": 61,
        "reviewed_days_ago": None,
        "body": [
            _h("Why retainers disappoint"),
            _p(
                "<p>In the incidents we are called to as a second provider, the first retainer "
                "usually failed for dull reasons: the prepaid hours had lapsed, nobody knew "
                "who could authorise the call-out, or the provider had no way to reach the "
                "client's systems. The questions below are designed to surface those gaps "
                "early.</p>"
            ),
            _h("Twelve questions"),
            _p(
                "<ol>"
                "<li>How quickly will a named responder call us back, and how quickly can "
                "someone be on site?</li>"
                "<li>Do unused hours roll over, or can they be converted into exercises?</li>"
                "<li>Who in our organisation can declare an incident and start the clock?</li>"
                "<li>How will you get remote access, and can we set that up now?</li>"
                "<li>What evidence handling standard do you follow?</li>"
                "<li>Do you subcontract any part of the response, and to whom?</li>"
                "<li>Are you on our cyber insurer's approved panel?</li>"
                "<li>Will you negotiate with extortionists, and on whose instruction?</li>"
                "<li>How do you handle conflicts if our attacker is another client?</li>"
                "<li>What will you tell regulators or law enforcement, and when?</li>"
                "<li>Who owns the report and the indicators you collect?</li>"
                "<li>What happens if you are overwhelmed by a large campaign?</li>"
                "</ol>"
            ),
            _c(
                "Agree these in advance",
                "<ul>"
                "<li>A short list of people who can declare an incident.</li>"
                "<li>A pre-approved remote access method, tested.</li>"
                "<li>How the insurer will be notified, and by whom.</li>"
                "<li>A contact sheet held offline.</li>"
                "</ul>",
            ),
            _h("Test the retainer every year"),
            _p(
                "<p>Ask the provider to run an unannounced call-out test once a year. Measure "
                "the time to a named responder and check that remote access still works. "
                "Many providers will let you use retained hours for this.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "kestrel-labs",
        "title": "Handling proof-of-concept exploits inside a small research team",
        "slug": "handling-proof-of-concept-exploits",
        "summary": (
            "Simple controls a four-person lab uses to store, share and retire exploit code so "
            "that research artefacts cannot leak or be misused."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "vulnerability-disclosure"],
        "audiences": ["small-firms", "researchers"],
        "days_ago": 118,
        "reviewed_days_ago": 14,
        "body": [
            _h("Treat proof-of-concept code as a controlled item"),
            _p(
                "<p>A working exploit for an unpatched flaw is valuable to criminals and to "
                "brokers. In a small team it is tempting to keep it in a personal folder or "
                "paste it into chat. We treat every proof of concept as a controlled item from "
                "the moment it works.</p>"
            ),
            _h("Our controls"),
            _p(
                "<ul>"
                "<li>Exploit code lives in a separate encrypted repository, never in the main "
                "research repository.</li>"
                "<li>Access is granted per project to named people, and reviewed monthly.</li>"
                "<li>A register records the identifier, affected product, vendor contact, "
                "disclosure status and the date the code will be destroyed.</li>"
                "<li>Code is never shared through chat tools or personal email.</li>"
                "<li>For conference talks we show recorded demonstrations, not live code.</li>"
                "<li>Code is destroyed ninety days after a fix ships, unless a written reason "
                "to keep it is approved.</li>"
                "</ul>"
            ),
            _c(
                "Before sharing with a vendor",
                "<ol>"
                "<li>Confirm the recipient through the vendor's published security "
                "channel.</li>"
                "<li>Send the smallest proof that demonstrates the flaw, with no payload.</li>"
                "<li>Mark the file with the report reference and date.</li>"
                "<li>Record in the register what was sent, to whom and when.</li>"
                "</ol>",
            ),
            _h("Retiring code"),
            _p(
                "<p>On the destruction date, two people delete the code together, note it in "
                "the register and keep only the write-up. If a broker or anyone else asks for "
                "retired code, the answer is that it no longer exists.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "open-conduct-network",
        "title": "Human rights due diligence before selling surveillance-adjacent services",
        "slug": "human-rights-due-diligence-surveillance",
        "summary": (
            "A civil society view of how vendors and public buyers can assess the risk that a "
            "capability will be used against journalists, activists or minorities."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["export-controls", "intrusion-capabilities"],
        "audiences": ["large-firms", "government-buyers"],
        "days_ago": 281,
        "reviewed_days_ago": 88,
        "body": [
            _h("A licence is the floor, not the ceiling"),
            _p(
                "<p>An export licence tells you a sale is lawful. It does not tell you the sale "
                "is responsible. Nearly every misuse case we have documented involved a product "
                "that was exported lawfully to a customer that later used it against people "
                "with no connection to serious crime.</p>"
            ),
            _h("A five-part assessment"),
            _p(
                "<ol>"
                "<li><strong>Context:</strong> the rule of law, independence of the courts "
                "and any record of unlawful surveillance in the country of end use.</li>"
                "<li><strong>End user:</strong> which agency, who oversees it and whether "
                "intrusion needs an independent warrant.</li>"
                "<li><strong>Capability:</strong> how intrusive it is, and whether it can be "
                "limited to specific targets and audited.</li>"
                "<li><strong>Safeguards:</strong> contractual audit rights, logging the "
                "customer cannot switch off, and the ability to suspend support.</li>"
                "<li><strong>Remedy:</strong> what you will do if credible misuse is reported, "
                "written down before the sale.</li>"
                "</ol>"
            ),
            _c(
                "Signals we often see before misuse becomes public",
                "<ul>"
                "<li>New laws widening surveillance powers shortly before an election.</li>"
                "<li>Arrests of journalists or lawyers for their online activity.</li>"
                "<li>A customer asking for features aimed at messaging apps popular with "
                "opposition groups.</li>"
                "<li>A change of end user from a police force to a political office.</li>"
                "</ul>",
            ),
            _h("Talk to civil society early"),
            _p(
                "<p>Local human rights groups often know far more about an end user than any "
                "database. Ask them, protect their identities, and pay for their time where "
                "you can. We can help firms make those introductions safely.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "northbridge-cyber-office",
        "title": "Reseller pattern: newly formed intermediaries seeking intrusion tool licences",
        "slug": "reseller-pattern-new-intermediaries",
        "summary": (
            "Licensing officers have seen a cluster of recently registered resellers approach "
            "several suppliers for the same intrusion products. Shared with named partners so "
            "that they can check their own sales pipelines."
        ),
        "tlp": "amber",
        "recipient_orgs": ["harbourline-security", "cyber-suppliers-association"],
        "recipient_users": [],
        "topics": ["export-controls", "supply-chain", "intrusion-capabilities"],
        "audiences": ["large-firms"],
        "days_ago": 12,
        "reviewed_days_ago": None,
        "body": [
            _h("What we have seen"),
            _p(
                "<p>Over the past four months, licensing officers have handled seven "
                "enquiries from five trading companies, all incorporated within the last "
                "eighteen months, each seeking evaluation licences for remote access or mobile "
                "data extraction products. Common features:</p>"
                "<ul>"
                "<li>The same registered agent address in a free-trade zone.</li>"
                "<li>Directors who hold similar posts in other recently formed companies.</li>"
                "<li>End-use statements naming a \"ministry of interior partner\" with no "
                "department or contact.</li>"
                "<li>Requests that invoices be addressed to a logistics company.</li>"
                "<li>Identical wording and errors in the end-use statements, suggesting a "
                "shared template.</li>"
                "</ul>"
            ),
            _h("What we ask recipients to do"),
            _p(
                "<ol>"
                "<li>Search your sales records since the start of the year for enquiries "
                "showing two or more of the features above.</li>"
                "<li>Do not alert the enquirer. Pause the enquiry and mark it for review.</li>"
                "<li>Report any match to the licensing liaison team through the secure "
                "portal, quoting reference NB-RP-07. The company names are in the annex "
                "held there.</li>"
                "<li>The association may turn the features above, but not this note, into a "
                "members' watch-list entry under its handling procedure.</li>"
                "</ol>"
            ),
            _c(
                "Handling",
                "<p>TLP:AMBER. Recipients may share this with people in their own "
                "organisation who need it to check their pipelines. Do not publish it, and do "
                "not pass the annex or company names to anyone outside the named "
                "organisations.</p>",
            ),
            _h("Confidence"),
            _p(
                "<p>We have <strong>moderate confidence</strong> that the enquiries are "
                "coordinated. We have <strong>not</strong> established that any of them is "
                "linked to misuse, and no company should be refused on the strength of this "
                "note alone.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "open-conduct-network",
        "title": "Signs that a government customer is turning intrusion tools on civil society",
        "slug": "indicators-misuse-against-civil-society",
        "summary": (
            "Working indicators drawn from our casework, shared with the national cyber office "
            "and university researchers to improve early detection. Not yet validated for "
            "publication."
        ),
        "tlp": "amber",
        "recipient_orgs": ["northbridge-cyber-office", "eastmoor-university"],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "incident-response"],
        "audiences": ["government-buyers", "researchers"],
        "days_ago": 41,
        "reviewed_days_ago": 9,
        "body": [
            _h("Purpose"),
            _p(
                "<p>Vendors and buyers often say they would act on misuse if only they knew "
                "about it sooner. These indicators come from twenty-three cases we supported "
                "over three years. We want recipients to test them against their own data "
                "before we publish a cleaned-up version.</p>"
            ),
            _h("Technical indicators"),
            _p(
                "<ul>"
                "<li>Infection attempts clustering in the days before protests, elections or "
                "court hearings.</li>"
                "<li>One-click links in messages impersonating human rights organisations or "
                "press freedom groups.</li>"
                "<li>Domains registered in batches that imitate local news outlets.</li>"
                "<li>Reuse of the same server infrastructure against targets in different "
                "countries, suggesting a shared operator.</li>"
                "</ul>"
            ),
            _h("Contextual indicators"),
            _p(
                "<ul>"
                "<li>Targets whose only apparent link is criticism of the same official.</li>"
                "<li>Leaked private messages appearing in pro-government media soon after "
                "a suspected infection.</li>"
                "<li>Targets outside the customer's own country, especially exiles.</li>"
                "</ul>"
            ),
            _c(
                "Why this is AMBER",
                "<p>Several indicators come from cases where the people targeted have not "
                "agreed to publication. Sharing the detail openly could identify people who "
                "came to us for help.</p>",
            ),
            _p(
                "<p>Please tell us which indicators you could check in practice, which "
                "produce false alarms, and what we have missed. Send comments to our "
                "caseworker team through the portal.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "harbourline-security",
        "title": "Internal: answering law enforcement and regulator requests for customer data",
        "slug": "internal-answering-data-requests",
        "summary": (
            "Harbourline's internal procedure for staff who receive a request for customer data "
            "from police, regulators or foreign authorities. For Harbourline staff only."
        ),
        "tlp": "amber_strict",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["incident-response", "reporting-whistleblowing"],
        "audiences": ["large-firms"],
        "days_ago": 74,
        "reviewed_days_ago": 6,
        "body": [
            _h("Scope"),
            _p(
                "<p>This procedure applies to any request, formal or informal, for data we "
                "hold about a customer, including monitoring telemetry, incident reports and "
                "forensic images. It applies whether the request arrives by letter, email, "
                "telephone or in person at a client site.</p>"
            ),
            _h("Steps"),
            _p(
                "<ol>"
                "<li>Do not answer the substance. Acknowledge politely and take the "
                "requester's name, organisation and reference.</li>"
                "<li>Log the request in the legal request register within one working "
                "day.</li>"
                "<li>Forward it to the on-call legal counsel. Do not copy the account "
                "team.</li>"
                "<li>Legal verifies the request by calling the authority back on its "
                "published switchboard number, not a number in the request.</li>"
                "<li>Legal checks the legal basis. Requests from foreign authorities must "
                "come through mutual legal assistance unless counsel decides otherwise.</li>"
                "<li>Disclose only what the order requires, redacting other customers.</li>"
                "<li>Tell the customer unless the law forbids it.</li>"
                "<li>Record exactly what was disclosed, to whom and on what basis.</li>"
                "</ol>"
            ),
            _c(
                "Urgent requests involving risk to life",
                "<p>If a requester says a life is at risk, call the on-call counsel and the "
                "duty director immediately. They may authorise limited disclosure before "
                "formal paperwork arrives, and must record why.</p>",
            ),
            _h("If a request feels wrong"),
            _p(
                "<p>If you think a request is improper, for example it seeks data about "
                "journalists or appears to bypass the courts, raise it through the internal "
                "speak-up line. You will not be penalised for doing so.</p>"
            ),
        ],
    },
    {
        "type": "guidance",
        "org": "northbridge-cyber-office",
        "title": "Live: stolen code-signing certificate used to sign a fake testing tool",
        "slug": "live-stolen-certificate-fake-testing-tool",
        "summary": (
            "An active campaign is distributing a trojanised copy of a popular open-source "
            "network scanner, signed with a certificate stolen from a small supplier. Named "
            "recipients only while revocation is under way."
        ),
        "tlp": "red",
        "recipient_orgs": [],
        "recipient_users": [RED_RECIPIENT, "member@harbourline.example.org"],
        "topics": ["incident-response", "supply-chain"],
        "audiences": ["small-firms"],
        "days_ago": 3,
        "reviewed_days_ago": None,
        "body": [
            _h("Situation as of 08:00 today"),
            _p(
                "<p>Kestrel Threat Labs reported an installer that poses as a new release of a "
                "widely used open-source network scanner. It is signed with a valid certificate "
                "issued to a small software supplier, referred to here as Supplier A. Supplier "
                "A has been contacted and has asked its certificate authority to revoke the "
                "certificate; revocation is not yet confirmed.</p>"
                "<ul>"
                "<li>The installer works as expected but also drops a remote access "
                "implant.</li>"
                "<li>The implant calls out over HTTPS to rented virtual servers.</li>"
                "<li>Download links are being promoted in two security forums and through a "
                "paid search advert aimed at testers.</li>"
                "</ul>"
            ),
            _h("Requests to named recipients"),
            _p(
                "<ol>"
                "<li><strong>Rae (Kestrel):</strong> continue analysis and post new indicators "
                "only in the Northbridge incident channel. Do not publish before revocation "
                "is confirmed.</li>"
                "<li><strong>Hana (Harbourline):</strong> search managed monitoring telemetry "
                "for the file hashes listed in the incident channel and report counts, not "
                "customer names.</li>"
                "<li><strong>Both:</strong> do not contact Supplier A directly; Northbridge "
                "is its single point of contact.</li>"
                "</ol>"
            ),
            _c(
                "Handling",
                "<p>TLP:RED. For the named individuals only. Do not forward, discuss in "
                "meetings with others present, or copy into ticketing systems outside the "
                "incident channel. Northbridge will publish a TLP:CLEAR advisory once the "
                "certificate is revoked.</p>",
            ),
            _h("Next update"),
            _p(
                "<p>The next update will be posted at 17:00 today, or sooner if revocation is "
                "confirmed or the campaign changes.</p>"
            ),
        ],
    },
]

CASE_STUDIES = [
    {
        "type": "case_study",
        "org": "harbourline-security",
        "title": "Mentoring a small firm through its first export licence application",
        "slug": "mentoring-first-export-licence",
        "summary": (
            "How Harbourline's compliance team helped a ten-person firm classify a training "
            "product, apply for its first licence and build a habit of screening customers."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["export-controls", "training-awareness"],
        "audiences": ["small-firms", "large-firms"],
        "days_ago": 298,
        "reviewed_days_ago": 102,
        "sector": "Penetration testing and training",
        "body": [
            _h("Background"),
            _p(
                "<p>The mentee, a ten-person firm, had built a hands-on training platform with "
                "modules on exploitation and post-exploitation. A training provider in another "
                "country wanted to license it for a police academy. The founders did not know "
                "whether export controls applied to training software, and worried that "
                "asking would slow the deal or draw unwanted attention.</p>"
            ),
            _h("What we did together"),
            _p(
                "<ol>"
                "<li><strong>Week 1:</strong> a walk-through of the platform with a Harbourline "
                "compliance officer, listing every component that could be controlled.</li>"
                "<li><strong>Week 2:</strong> a classification query to the Northbridge "
                "advice line, drafted by the mentee and reviewed by us.</li>"
                "<li><strong>Week 3:</strong> end-user screening of the training provider and "
                "the academy, using our screening checklist.</li>"
                "<li><strong>Week 4:</strong> the licence application, with a clear "
                "description of the exploit modules and the safeguards around them.</li>"
                "<li><strong>Afterwards:</strong> quarterly check-ins for a year.</li>"
                "</ol>"
            ),
            _h("Outcome"),
            _p(
                "<p>The advice line confirmed that two modules were controlled. A licence was "
                "granted after seven weeks, with a condition that the modules run only in a "
                "hosted lab. Four months later the mentee declined a second enquiry on its "
                "own, after spotting that the payer and the end user were in different "
                "countries with no explanation.</p>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>Classify before you quote. The licence period became part of the sales "
                "timeline once the mentee planned for it.</li>"
                "<li>A mentor should coach, not decide. The mentee owned every decision, which "
                "is why the habit stuck.</li>"
                "<li>Write down why you decided, not only what you decided.</li>"
                "</ul>"
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "fenwick-vale",
        "title": "A scope mistake during a penetration test, and how we put it right",
        "slug": "scope-mistake-penetration-test",
        "summary": (
            "A tester scanned an address range that belonged to the client's neighbour in a "
            "shared data centre. How we found out, whom we told, and what we changed."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["incident-response", "training-awareness"],
        "audiences": ["small-firms"],
        "days_ago": 223,
        "reviewed_days_ago": None,
        "sector": "Penetration testing",
        "body": [
            _h("What happened"),
            _p(
                "<p>The client sent a spreadsheet of address ranges for an external test. One "
                "range had been handed back to the hosting provider a year earlier and now "
                "belonged to another tenant. Our tester ran a port scan and a login test "
                "against it for about forty minutes before the other tenant's monitoring "
                "raised an alert with the hosting provider.</p>"
            ),
            _h("The first two hours"),
            _p(
                "<ol>"
                "<li>The hosting provider called the client, who called us. We stopped all "
                "testing immediately.</li>"
                "<li>We checked our logs and confirmed exactly which addresses were touched "
                "and what was sent.</li>"
                "<li>A director called the hosting provider, explained and offered the "
                "logs.</li>"
                "<li>We wrote a short factual note for the affected tenant, sent through the "
                "hosting provider.</li>"
                "</ol>"
            ),
            _h("Telling the affected party"),
            _p(
                "<p>The other tenant was understandably unhappy. What helped was speed and "
                "detail: within three hours they had our logs, confirmation that no "
                "credentials were obtained and no data was accessed, and the name of the "
                "director accountable. They did not take the matter further.</p>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>Verify ownership of every range against the regional internet registry, "
                "not only the client's list.</li>"
                "<li>Load scope into the tools from a single signed file so that out-of-scope "
                "addresses are blocked automatically.</li>"
                "<li>Run a blameless review. The tester followed the process; the process had "
                "the gap.</li>"
                "<li>Tell the affected party quickly and in plain language.</li>"
                "</ul>"
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "kestrel-labs",
        "title": "Disclosing a flaw in a medical equipment supplier's remote support tool",
        "slug": "disclosing-flaw-medical-remote-support-tool",
        "summary": (
            "A small lab found an authentication weakness in remote support software used by a "
            "maintenance contractor to hospitals. Coordinating a fix took five months and "
            "three parties."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["vulnerability-disclosure", "supply-chain"],
        "audiences": ["researchers", "small-firms"],
        "days_ago": 179,
        "reviewed_days_ago": 44,
        "sector": "Healthcare supply chain",
        "body": [
            _h("Discovery"),
            _p(
                "<p>While analysing a trial copy of remote support software, we found that "
                "session tokens could be predicted, allowing someone to join a live support "
                "session without a password. The software was used by a contractor that "
                "maintains imaging equipment in several hospitals.</p>"
            ),
            _h("Finding the right owner"),
            _p(
                "<p>The software developer had no disclosure policy and did not answer two "
                "emails. The contractor said the software was its supplier's problem. We asked "
                "the Northbridge coordinated disclosure service to act as intermediary, which "
                "brought the developer to the table within a fortnight.</p>"
            ),
            _h("Timeline"),
            _p(
                "<ul>"
                "<li><strong>Day 0:</strong> report sent to the developer.</li>"
                "<li><strong>Day 21:</strong> report passed to the coordinator.</li>"
                "<li><strong>Day 35:</strong> developer acknowledged and confirmed the "
                "issue.</li>"
                "<li><strong>Day 118:</strong> fixed version released.</li>"
                "<li><strong>Day 150:</strong> contractor confirmed most hospital sites "
                "updated; remaining sites had the feature disabled.</li>"
                "<li><strong>Day 158:</strong> joint advisory published.</li>"
                "</ul>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>In healthcare, the patch date is not the fix date. Agree publication "
                "around deployment, not release.</li>"
                "<li>Use a coordinator early when there is no policy; it saves weeks.</li>"
                "<li>Keep the contractor and the developer in the same conversation.</li>"
                "</ul>"
            ),
            _c(
                "What we would do differently",
                "<p>We should have asked the contractor for a list of affected sites at the "
                "start, so that interim mitigations could begin before the fix.</p>",
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "eastmoor-university",
        "title": "Running ethics review for offensive security student projects",
        "slug": "ethics-review-offensive-student-projects",
        "summary": (
            "How the Centre for Cyber Norms introduced a light-touch ethics review for "
            "final-year projects involving exploitation, scanning or malware analysis."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["training-awareness", "intrusion-capabilities"],
        "audiences": ["researchers"],
        "days_ago": 262,
        "reviewed_days_ago": None,
        "sector": "Higher education",
        "body": [
            _h("Why we introduced review"),
            _p(
                "<p>Two incidents prompted the change: a student scanned a public range from "
                "the campus network without permission, and another published a working "
                "exploit for an unpatched router in a project repository. Neither student "
                "meant harm; neither had been asked to think about it.</p>"
            ),
            _h("The process"),
            _p(
                "<ol>"
                "<li>Every student proposing offensive work completes a one-page form: what "
                "they will test, where, and what could go wrong.</li>"
                "<li>The supervisor sorts projects into three tiers: lab only, lab plus "
                "public data, and anything touching third-party systems.</li>"
                "<li>Tier 1 is approved by the supervisor. Tier 2 needs a second academic. "
                "Tier 3 goes to a panel that includes an industry member.</li>"
                "<li>All work runs in an isolated teaching lab unless the panel agrees "
                "otherwise.</li>"
                "<li>Any vulnerability found follows the university's disclosure policy.</li>"
                "</ol>"
            ),
            _h("First year in numbers"),
            _p(
                "<p>Sixty-four projects were reviewed: forty-one in tier 1, nineteen in tier 2 "
                "and four in tier 3. The panel asked for one project to be redesigned to use "
                "a simulated network. Median time to approval was four working days.</p>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>Keep the form short; students fill it in honestly when it takes ten "
                "minutes.</li>"
                "<li>An industry panel member brings realism about what attackers could do "
                "with student outputs.</li>"
                "<li>Review teaches as much as it controls; several students said it was the "
                "most useful part of the module.</li>"
                "</ul>"
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "cyber-suppliers-association",
        "title": "How a member firm handled a staff concern about a pending sale",
        "slug": "member-handled-staff-concern-pending-sale",
        "summary": (
            "A sales engineer raised a concern that a customer's stated end use did not match "
            "the configuration it had requested. The case shows a speak-up process working "
            "under commercial pressure."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["reporting-whistleblowing", "export-controls"],
        "audiences": ["large-firms"],
        "days_ago": 133,
        "reviewed_days_ago": 29,
        "sector": "Security software",
        "body": [
            _h("The concern"),
            _p(
                "<p>A member firm was close to selling a network monitoring product to a "
                "telecoms regulator abroad. The end-use statement described spam filtering. "
                "During configuration planning, a sales engineer noticed the customer wanted "
                "to decode messaging traffic and keep full content for named subscribers, "
                "which has nothing to do with spam.</p>"
            ),
            _h("How it was handled"),
            _p(
                "<ol>"
                "<li>The engineer raised the concern with the compliance lead through the "
                "firm's speak-up route, the same day.</li>"
                "<li>The compliance lead froze the deal in the sales system, without saying "
                "why to the wider account team.</li>"
                "<li>The firm asked the customer to clarify the end use in writing.</li>"
                "<li>The reply was vague, and the customer asked to change the end user to a "
                "different agency.</li>"
                "<li>The firm sought advice from the licensing authority and declined the "
                "sale.</li>"
                "</ol>"
            ),
            _h("Protecting the engineer"),
            _p(
                "<p>The account manager lost a large commission. The firm's leadership made "
                "clear that the engineer had done exactly what the code of practice expects, "
                "and, with the engineer's consent, thanked them at a company meeting.</p>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>Technical staff often see misuse signals before sales or legal do; "
                "train them to recognise and report them.</li>"
                "<li>Freezing a deal quietly protects the person who spoke up.</li>"
                "<li>Leaders must visibly back the person who cost the firm money.</li>"
                "</ul>"
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "northbridge-cyber-office",
        "title": "Coordinating the response to ransomware at a regional council",
        "slug": "regional-council-ransomware-coordination",
        "summary": (
            "Northbridge's account of a ransomware incident at a regional council, focusing on "
            "how the council, its suppliers and national responders divided work and shared "
            "information."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["incident-response", "supply-chain"],
        "audiences": ["government-buyers"],
        "days_ago": 88,
        "reviewed_days_ago": None,
        "sector": "Local government",
        "body": [
            _p(
                "<p>A regional council serving about 300,000 residents lost access to most of "
                "its systems early on a Sunday. Files were encrypted and a ransom note "
                "threatened to publish stolen data. Social care, planning and payroll were "
                "affected; the council's phone system and website stayed up.</p>"
            ),
            _h("The first 72 hours"),
            _p(
                "<ul>"
                "<li>The council invoked its incident plan within two hours and called "
                "Northbridge's incident line.</li>"
                "<li>Northbridge sent two responders and set up a daily coordination call "
                "with the council, its IT outsourcer and its insurer's responders.</li>"
                "<li>Social care switched to paper records held in a locked cabinet for just "
                "this purpose.</li>"
                "<li>The council decided, with national advice, not to pay.</li>"
                "</ul>"
            ),
            _h("Working with suppliers"),
            _p(
                "<p>The attackers entered through a remote access account used by a small "
                "software supplier for support. The account had no multi-factor "
                "authentication and had not been used in months. The supplier cooperated "
                "fully, which let responders quickly check whether other councils using the "
                "same supplier were exposed.</p>"
            ),
            _p(
                "<p><strong>Recovery.</strong> Priority systems were restored from offline "
                "backups in nine days; full service took seven weeks. Some stolen data was "
                "published and the council wrote to everyone affected.</p>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>One coordination call a day, with a written action log, stopped three "
                "sets of responders tripping over each other.</li>"
                "<li>Supplier remote access must be inventoried, protected with multi-factor "
                "authentication and switched off when not in use.</li>"
                "<li>Paper fallbacks for the most critical services are worth their "
                "cost.</li>"
                "</ul>"
            ),
            _c(
                "For other public bodies",
                "<p>Ask every supplier with remote access to your network to confirm, in "
                "writing, how that access is protected and when it was last used.</p>",
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "open-conduct-network",
        "title": "Tracing a surveillance tool through three resellers",
        "slug": "tracing-surveillance-tool-three-resellers",
        "summary": (
            "How our researchers followed a mobile intrusion product from its developer to an "
            "end user through three intermediaries, and what the chain shows about gaps in due "
            "diligence."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["supply-chain", "intrusion-capabilities", "export-controls"],
        "audiences": ["government-buyers", "researchers"],
        "days_ago": 201,
        "reviewed_days_ago": 71,
        "sector": "Civil society research",
        "body": [
            _h("Starting point"),
            _p(
                "<p>Forensic analysis of a human rights lawyer's phone found a spyware "
                "implant whose code matched a commercial product. The developer told us it "
                "sold only to vetted government agencies and had never sold to the country "
                "concerned.</p>"
            ),
            _h("Following the chain"),
            _p(
                "<ol>"
                "<li>Public procurement notices showed a contract for \"mobile forensic "
                "services\" awarded to a local systems integrator.</li>"
                "<li>Company records showed the integrator was part-owned by a distributor in "
                "a neighbouring country.</li>"
                "<li>Trade fair brochures showed that distributor listing the product under "
                "a different brand name.</li>"
                "<li>The distributor held a reseller agreement with a third company, which "
                "was the developer's authorised partner.</li>"
                "</ol>"
            ),
            _h("Where diligence broke down"),
            _p(
                "<p>The developer screened its direct partner well. The partner's agreement "
                "allowed sub-licensing with notice but not approval, and the notice was never "
                "given. Nobody in the chain asked who the final user was.</p>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>Reseller agreements must require approval, not notice, for any onward "
                "transfer.</li>"
                "<li>Developers should be able to see, technically, where licences are "
                "activated.</li>"
                "<li>Public buyers should ask integrators to name the original developer.</li>"
                "</ul>"
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "harbourline-security",
        "title": "A red-team client who was not who they claimed to be",
        "slug": "red-team-client-not-who-claimed",
        "summary": (
            "A prospective client asked for a red-team engagement against a company it said was "
            "a subsidiary. It was not. Shared with two partner firms that had received similar "
            "approaches."
        ),
        "tlp": "amber",
        "recipient_orgs": ["fenwick-vale", "kestrel-labs"],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "export-controls"],
        "audiences": ["small-firms"],
        "days_ago": 24,
        "reviewed_days_ago": None,
        "sector": "Offensive security services",
        "body": [
            _h("The approach"),
            _p(
                "<p>A holding company contacted our sales team asking for an urgent, "
                "no-notice red-team engagement against a logistics firm it described as a "
                "newly acquired subsidiary. It wanted phishing of named executives, physical "
                "entry to one office and a report on \"any sensitive commercial "
                "negotiations\" found. It offered to pay the full fee in advance.</p>"
            ),
            _h("What gave it away"),
            _p(
                "<ul>"
                "<li>The authorisation letter was signed by the holding company, not by "
                "anyone at the target.</li>"
                "<li>Company records showed no ownership link; a takeover bid had been "
                "announced and rejected a month earlier.</li>"
                "<li>The contact refused a call with the target's own security team, citing "
                "\"confidentiality during integration\".</li>"
                "<li>The objectives focused on commercial information, not security "
                "weaknesses.</li>"
                "</ul>"
            ),
            _h("What we did"),
            _p(
                "<ol>"
                "<li>Declined in writing, citing our rules of engagement.</li>"
                "<li>Recorded the approach, the contacts and the documents supplied.</li>"
                "<li>Asked legal counsel whether to report it; counsel advised a report to "
                "the police fraud unit, which we made.</li>"
                "<li>Asked the association's contacts, informally, whether others had been "
                "approached. Fenwick & Vale and Kestrel had, by the same contact.</li>"
                "</ol>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>Always get authorisation from someone with legal authority over the "
                "systems and premises being tested, and verify it by calling them.</li>"
                "<li>Objectives that describe information rather than weaknesses are a sign "
                "of industrial espionage.</li>"
                "</ul>"
            ),
            _c(
                "If you are approached",
                "<p>Do not engage further. Contact Harbourline's compliance lead so we can add "
                "your approach to the police report; the contact details and documents are in "
                "the case file we hold for partners.</p>",
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "kestrel-labs",
        "title": "An exploit broker's approach to a four-person start-up",
        "slug": "exploit-broker-approach-start-up",
        "summary": (
            "A broker offered to buy our unpublished findings and asked for a proof of concept "
            "\"for valuation\". How the approach unfolded and how we declined, for partners who "
            "may be contacted next."
        ),
        "tlp": "amber",
        "recipient_orgs": ["harbourline-security", "northbridge-cyber-office"],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "vulnerability-disclosure"],
        "audiences": ["small-firms", "researchers"],
        "days_ago": 17,
        "reviewed_days_ago": None,
        "sector": "Threat research",
        "body": [
            _h("How it started"),
            _p(
                "<p>Two days after one of us gave a conference talk that mentioned research "
                "into a mobile messaging app, a person describing themselves as an "
                "\"acquisitions manager\" sent a friendly message on a professional network. "
                "They praised the talk and asked whether we had \"any findings we had not yet "
                "monetised\".</p>"
            ),
            _h("Escalation"),
            _p(
                "<ul>"
                "<li>A second message offered a price range for a zero-click chain in the "
                "same app that was several times our annual revenue.</li>"
                "<li>The broker asked for a proof of concept \"for valuation only\", to be "
                "sent to a personal encrypted mailbox.</li>"
                "<li>When we asked who the end customers were, the answer was \"government "
                "clients in allied countries\", with no names.</li>"
                "<li>A final message suggested a meeting at a trade fair abroad.</li>"
                "</ul>"
            ),
            _h("How we declined"),
            _p(
                "<p>We replied once, briefly: we report vulnerabilities to vendors under our "
                "published disclosure policy and do not sell them. We reported the finding to "
                "the app's vendor the same week, logged the contact, and told Northbridge "
                "and our Harbourline mentor.</p>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>A published disclosure policy makes saying no quick and impersonal.</li>"
                "<li>Never send a proof of concept to establish value; it is the product.</li>"
                "<li>Brokers target people straight after public talks. Warn speakers.</li>"
                "</ul>"
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "fenwick-vale",
        "title": "Internal review: client credentials kept after an engagement closed",
        "slug": "internal-review-credentials-kept-after-engagement",
        "summary": (
            "Our own post-incident review of how test credentials for a client stayed valid, and "
            "stored on a tester's laptop, for six weeks after the engagement ended. Fenwick & "
            "Vale staff only."
        ),
        "tlp": "amber_strict",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["incident-response", "supply-chain"],
        "audiences": ["small-firms"],
        "days_ago": 52,
        "reviewed_days_ago": 11,
        "sector": "Penetration testing",
        "body": [
            _h("What happened"),
            _p(
                "<p>For an internal test at a building society, the client created three "
                "domain accounts for our team. The engagement closed on schedule. Six weeks "
                "later, during our quarterly laptop audit, we found the credentials in a plain "
                "text notes file on one tester's machine, and a quick check with the client "
                "showed the accounts were still enabled.</p>"
            ),
            _h("Why it happened"),
            _p(
                "<ul>"
                "<li>Our close-out checklist said \"remind client to disable accounts\" but "
                "not \"confirm they have been disabled\".</li>"
                "<li>The tester had copied the credentials from the password manager into "
                "notes during a late-night session, against our policy.</li>"
                "<li>The project lead was on leave during close-out, and nobody owned the "
                "checklist.</li>"
                "</ul>"
            ),
            _h("What we did"),
            _p(
                "<ol>"
                "<li>Told the client the same day and asked them to disable the accounts, "
                "which they did within an hour.</li>"
                "<li>Securely wiped the notes file and checked the laptop for other "
                "copies.</li>"
                "<li>Offered the client our logs showing the accounts were not used after "
                "the engagement.</li>"
                "</ol>"
            ),
        ],
        "lessons": [
            _p(
                "<ul>"
                "<li>Close-out is not complete until the client confirms in writing that "
                "every account we used is disabled.</li>"
                "<li>A named deputy owns close-out whenever the project lead is away.</li>"
                "<li>Notes apps are now scanned for credential patterns in the monthly "
                "laptop check.</li>"
                "</ul>"
            ),
            _c(
                "For all staff",
                "<p>This was a process failure, not one person's. If you find a shortcut like "
                "this on your own machine, tell the duty partner; you will be thanked, not "
                "blamed.</p>",
            ),
        ],
    },
    {
        "type": "case_study",
        "org": "harbourline-security",
        "title": "Live: our testing framework licence keys offered on a criminal forum",
        "slug": "live-framework-licence-keys-criminal-forum",
        "summary": (
            "Licence keys for Harbourline's commercial testing framework are being advertised "
            "on a criminal forum. Shared with named individuals at customer firms whose keys "
            "appear in the sample while we investigate."
        ),
        "tlp": "red",
        "recipient_orgs": [],
        "recipient_users": [RED_RECIPIENT, "orgadmin@fenwick.example.org"],
        "topics": ["incident-response", "intrusion-capabilities", "supply-chain"],
        "audiences": ["small-firms", "large-firms"],
        "days_ago": 2,
        "reviewed_days_ago": None,
        "sector": "Offensive security services",
        "body": [
            _h("What we know"),
            _p(
                "<p>Yesterday evening our threat intelligence team found a forum post "
                "offering \"forty working licences\" for our testing framework, with a sample "
                "of six keys as proof. Four of the six are valid. Two belong to Kestrel Threat "
                "Labs and one to Fenwick & Vale; the fourth belongs to a customer we are "
                "contacting separately.</p>"
            ),
            _h("What we do not yet know"),
            _p(
                "<ul>"
                "<li>Whether the keys came from our licensing server or from customer "
                "machines.</li>"
                "<li>Whether the seller also holds framework builds.</li>"
                "<li>Whether any key has already been used by someone other than its "
                "owner.</li>"
                "</ul>"
            ),
            _h("What we ask of you"),
            _p(
                "<ol>"
                "<li>Do not revoke or rotate your keys yet. Revocation now would warn the "
                "seller and destroy the trail we are following with law enforcement.</li>"
                "<li>Check where your keys are stored and who can read them, and tell us by "
                "18:00 tomorrow.</li>"
                "<li>Send us any activation alerts you receive from unfamiliar addresses.</li>"
                "<li>We will issue replacement keys to you before the coordinated revocation, "
                "expected within five days.</li>"
                "</ol>"
            ),
        ],
        "lessons": [
            _p(
                "<p><strong>Early lesson:</strong> licence keys that are not bound to a "
                "machine or account can be resold indefinitely. Whatever the source of this "
                "leak, replacement keys will be tied to registered devices.</p>"
            ),
            _c(
                "Handling",
                "<p>TLP:RED. For Rae and Fin only. Do not discuss with colleagues until we "
                "move this to TLP:AMBER, which we will do once revocation is scheduled.</p>",
            ),
        ],
    },
]

STANDARDS = [
    {
        "type": "standard",
        "org": "cyber-suppliers-association",
        "title": "Code of practice for the responsible sale of intrusion capabilities",
        "slug": "code-responsible-sale-intrusion-capabilities",
        "summary": (
            "The association's adopted code setting out what members who develop or resell "
            "intrusion capabilities must do before, during and after a sale."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "export-controls"],
        "audiences": ["large-firms", "small-firms"],
        "days_ago": 386,
        "reviewed_days_ago": 40,
        "version": "2.0",
        "status": "adopted",
        "introduction": [
            _p(
                "<p>Members adopted this code at the annual general meeting after a "
                "three-month consultation with government, academia and civil society. It "
                "applies to every member that develops, sells, resells or supports software, "
                "services or training whose main purpose is gaining unauthorised access to "
                "systems or data. Compliance is a condition of membership.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Scope and responsibility",
                "requirement": (
                    "<p>Each member shall name a board-level person accountable for compliance "
                    "with this code and publish that role on its website.</p>"
                ),
                "guidance": (
                    "<p>In a micro firm this is usually a founder. The role should not be held "
                    "by the person whose pay depends most on sales.</p>"
                ),
            },
            {
                "number": "2",
                "title": "Customer eligibility",
                "requirement": (
                    "<p>Members shall sell intrusion capabilities only to customers that are "
                    "lawfully authorised to use them and subject to independent "
                    "oversight.</p>"
                ),
                "guidance": (
                    "<p>Ask for the legal basis of the customer's powers and the name of the "
                    "body that oversees them. Authorised penetration testing firms are "
                    "eligible when they contract to use the capability only with written "
                    "client authorisation.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Due diligence and screening",
                "requirement": (
                    "<p>Before any offer, members shall screen the customer, its owners and "
                    "the end user against sanctions lists, classify the item for export "
                    "control, and record the result.</p>"
                ),
                "guidance": (
                    "<p>The Northbridge ten-step screening routine meets this clause. Keep "
                    "the record for at least five years.</p>"
                ),
            },
            {
                "number": "3.1",
                "title": "Enhanced checks",
                "requirement": (
                    "<p>Enhanced checks, including a human rights assessment, shall be "
                    "carried out where the end user is in a country with a high risk rating "
                    "or the customer is an intermediary.</p>"
                ),
                "guidance": (
                    "<p>Enhanced checks should involve someone outside the sales team and, "
                    "where safe, input from civil society organisations with knowledge of "
                    "the country.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Contractual safeguards",
                "requirement": (
                    "<p>Contracts shall restrict use to the stated end user and purpose, "
                    "forbid onward transfer without written approval, and give the member "
                    "the right to suspend support if credible misuse is reported.</p>"
                ),
                "guidance": (
                    "<p>The association's model clauses may be used as drafted. Notice of "
                    "onward transfer is not enough; approval is required.</p>"
                ),
            },
            {
                "number": "5",
                "title": "Technical safeguards",
                "requirement": (
                    "<p>Where technically feasible, products shall include licence controls "
                    "and tamper-evident logging that the customer cannot switch off.</p>"
                ),
                "guidance": (
                    "<p>Logs should record targets and operators in a form that an "
                    "independent auditor can review without the vendor seeing operational "
                    "data.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Responding to credible misuse allegations",
                "requirement": (
                    "<p>Members shall investigate credible allegations of misuse promptly, "
                    "suspend support where misuse is likely, and report the outcome to the "
                    "association.</p>"
                ),
                "guidance": (
                    "<p>An allegation backed by forensic evidence from a recognised research "
                    "group should be treated as credible. Start within ten working days.</p>"
                ),
            },
            {
                "number": "7",
                "title": "Records and annual reporting",
                "requirement": (
                    "<p>Members shall report annually to the association the number of "
                    "enquiries declined on due diligence grounds and any misuse "
                    "investigations.</p>"
                ),
                "guidance": (
                    "<p>Figures are published only in aggregate across all members.</p>"
                ),
            },
        ],
    },
    {
        "type": "standard",
        "org": "cyber-suppliers-association",
        "title": "Minimum standard for coordinated vulnerability disclosure by suppliers",
        "slug": "minimum-standard-coordinated-disclosure",
        "summary": (
            "The baseline every association member must meet for receiving, handling and "
            "publishing vulnerability reports about its products and services."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["vulnerability-disclosure"],
        "audiences": ["small-firms", "large-firms"],
        "days_ago": 330,
        "reviewed_days_ago": 55,
        "version": "1.3",
        "status": "adopted",
        "introduction": [
            _p(
                "<p>Version 1.3 tightens acknowledgement times and adds a clause on "
                "communicating with reporters. Members have six months from adoption to "
                "comply.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Published policy",
                "requirement": (
                    "<p>Members shall publish a vulnerability disclosure policy covering all "
                    "products and services they sell.</p>"
                ),
                "guidance": (
                    "<p>The association template can be completed in an afternoon. Link it "
                    "from the site footer and from a security.txt file.</p>"
                ),
            },
            {
                "number": "2",
                "title": "Reporting channel",
                "requirement": (
                    "<p>Members shall provide at least one reporting channel monitored by at "
                    "least two people.</p>"
                ),
                "guidance": (
                    "<p>A shared mailbox is enough. Test it quarterly.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Acknowledgement and triage",
                "requirement": (
                    "<p>Reports shall be acknowledged within five working days and triaged "
                    "within fifteen.</p>"
                ),
                "guidance": (
                    "<p>Triage means deciding whether the report is valid, how severe it is "
                    "and who will fix it. Use a published severity scale.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Legal safe harbour",
                "requirement": (
                    "<p>Policies shall state that the member will not pursue legal action "
                    "against good-faith research that follows the policy.</p>"
                ),
                "guidance": (
                    "<p>Be specific about what is in scope. Vague safe harbour language "
                    "protects nobody.</p>"
                ),
            },
            {
                "number": "5",
                "title": "Remediation and advisories",
                "requirement": (
                    "<p>Members shall fix confirmed vulnerabilities in a time proportionate "
                    "to severity and publish an advisory when customers need to act.</p>"
                ),
                "guidance": (
                    "<p>As a guide, aim for ninety days for high-severity issues. Advisories "
                    "should say which versions are affected and what to do.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Communicating with reporters",
                "requirement": (
                    "<p>Members shall update reporters at least every thirty days until the "
                    "report is closed, and credit them if they wish.</p>"
                ),
                "guidance": (
                    "<p>An update can be brief. Silence is the most common reason reporters "
                    "publish early.</p>"
                ),
            },
        ],
    },
    {
        "type": "standard",
        "org": "northbridge-cyber-office",
        "title": "Baseline expectations for government buyers of offensive cyber services",
        "slug": "baseline-government-buyers-offensive-services",
        "summary": (
            "Proposed expectations for public bodies that procure offensive cyber services, "
            "from red teaming to operational capabilities. Out for consultation until the end "
            "of the quarter."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "supply-chain"],
        "audiences": ["government-buyers"],
        "days_ago": 46,
        "reviewed_days_ago": None,
        "version": "0.9",
        "status": "consultation",
        "introduction": [
            _p(
                "<p>Public bodies are among the largest buyers of offensive cyber services. "
                "How they buy shapes how the market behaves. This draft sets out what we "
                "expect of buyers, so that suppliers who behave responsibly are not undercut "
                "by those who do not.</p>"
            ),
            _c(
                "How to respond",
                "<p>Send comments clause by clause through the portal. We especially want "
                "views from small suppliers on clauses 2 and 6.</p>",
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Legal authority",
                "requirement": (
                    "<p>Buyers shall confirm and record the legal authority under which each "
                    "offensive service will be used before procurement begins.</p>"
                ),
                "guidance": (
                    "<p>For red teaming of the buyer's own systems, written authorisation "
                    "from the system owner is enough.</p>"
                ),
            },
            {
                "number": "2",
                "title": "Supplier due diligence",
                "requirement": (
                    "<p>Buyers shall assess each supplier's adherence to a recognised code "
                    "of practice, such as the association's code on intrusion "
                    "capabilities.</p>"
                ),
                "guidance": (
                    "<p>Accept a self-assessment for low-risk services; seek evidence for "
                    "anything involving third-party systems.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Oversight and audit",
                "requirement": (
                    "<p>Operational use of intrusion capabilities shall be subject to "
                    "independent oversight with access to usage logs.</p>"
                ),
                "guidance": (
                    "<p>Contracts should require suppliers to support audit without "
                    "accessing operational data themselves.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Data handling",
                "requirement": (
                    "<p>Contracts shall specify where data collected during a service is "
                    "held, who may access it and when it is destroyed.</p>"
                ),
                "guidance": (
                    "<p>Red-team reports often contain credentials; treat them as "
                    "sensitive.</p>"
                ),
            },
            {
                "number": "5",
                "title": "Vulnerabilities found or bought",
                "requirement": (
                    "<p>Vulnerabilities discovered or acquired in the course of a service "
                    "shall be put through the government's vulnerability equities "
                    "process.</p>"
                ),
                "guidance": (
                    "<p>Suppliers should not be required to keep vulnerabilities secret "
                    "from affected vendors beyond the period the process allows.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Termination and exit",
                "requirement": (
                    "<p>Contracts shall describe how capabilities, data and access are "
                    "withdrawn when the contract ends.</p>"
                ),
                "guidance": (
                    "<p>Include confirmation, in writing, that all accounts and implants "
                    "have been removed.</p>"
                ),
            },
        ],
    },
    {
        "type": "standard",
        "org": "eastmoor-university",
        "title": "Ethical conduct standard for offensive security research in universities",
        "slug": "ethical-conduct-offensive-research-universities",
        "summary": (
            "A standard for universities whose staff and students research attack techniques, "
            "covering review, authorisation, data, disclosure and dual-use outputs."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["training-awareness", "vulnerability-disclosure"],
        "audiences": ["researchers"],
        "days_ago": 240,
        "reviewed_days_ago": 120,
        "version": "1.1",
        "status": "adopted",
        "introduction": [
            _p(
                "<p>Developed with five universities and reviewed by industry and civil "
                "society members of the portal. It complements, and does not replace, each "
                "institution's general research ethics framework.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Ethics review",
                "requirement": (
                    "<p>Research that involves testing systems, handling malware or "
                    "producing exploit code shall be reviewed before it starts.</p>"
                ),
                "guidance": (
                    "<p>A tiered process keeps review proportionate: lab-only work can be "
                    "approved by a supervisor.</p>"
                ),
            },
            {
                "number": "2",
                "title": "Authorisation",
                "requirement": (
                    "<p>Researchers shall hold written authorisation for any testing of "
                    "systems they do not own.</p>"
                ),
                "guidance": (
                    "<p>A published disclosure policy can count as authorisation for work "
                    "within its scope. Keep a copy of the policy as it stood on the date of "
                    "testing.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Data minimisation",
                "requirement": (
                    "<p>Researchers shall collect no more personal data than the research "
                    "requires and shall stop if they encounter it unexpectedly.</p>"
                ),
                "guidance": (
                    "<p>Record the stop in the research log and tell the supervisor.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Disclosure",
                "requirement": (
                    "<p>Vulnerabilities found shall be disclosed to the affected vendor "
                    "before publication, following the institution's disclosure "
                    "policy.</p>"
                ),
                "guidance": (
                    "<p>Thesis deadlines are not a reason to shorten a disclosure period; "
                    "examiners can read an embargoed chapter.</p>"
                ),
            },
            {
                "number": "5",
                "title": "Dual-use outputs",
                "requirement": (
                    "<p>Tools and code released publicly shall be assessed for the risk of "
                    "misuse, and the assessment recorded.</p>"
                ),
                "guidance": (
                    "<p>Consider releasing detection rules alongside offensive tools, or "
                    "delaying release of the most dangerous parts.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Supervision and training",
                "requirement": (
                    "<p>Supervisors of offensive research shall complete training on this "
                    "standard every three years.</p>"
                ),
                "guidance": (
                    "<p>The portal's training scenarios can be used for this.</p>"
                ),
            },
        ],
    },
    {
        "type": "standard",
        "org": "open-conduct-network",
        "title": "Transparency reporting expectations for intrusion capability vendors",
        "slug": "transparency-reporting-intrusion-vendors",
        "summary": (
            "What civil society expects intrusion capability vendors to publish each year about "
            "their customers, declined sales and misuse investigations. Consultation draft."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "reporting-whistleblowing"],
        "audiences": ["large-firms"],
        "days_ago": 67,
        "reviewed_days_ago": None,
        "version": "0.4",
        "status": "consultation",
        "introduction": [
            _p(
                "<p>Vendors tell us they act responsibly; transparency is how they can show "
                "it. This draft is shared with portal members first so that vendors can "
                "comment on what is practical before we consult publicly.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Annual report",
                "requirement": (
                    "<p>Vendors shall publish an annual transparency report within six months "
                    "of their financial year end.</p>"
                ),
                "guidance": (
                    "<p>A short, consistent report is better than a glossy one that changes "
                    "format each year.</p>"
                ),
            },
            {
                "number": "2",
                "title": "Customers by region",
                "requirement": (
                    "<p>Reports shall give the number of active customers by region and by "
                    "type of end user.</p>"
                ),
                "guidance": (
                    "<p>Regions may be grouped where a single country would identify a "
                    "customer.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Declined sales",
                "requirement": (
                    "<p>Reports shall state how many enquiries were declined on human rights "
                    "or due diligence grounds.</p>"
                ),
                "guidance": (
                    "<p>Numbers declined demonstrate that due diligence has teeth.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Misuse allegations",
                "requirement": (
                    "<p>Reports shall list the number of misuse allegations received, "
                    "investigated and upheld, and the actions taken.</p>"
                ),
                "guidance": (
                    "<p>Actions might include suspension of support, termination or a "
                    "referral to authorities.</p>"
                ),
            },
            {
                "number": "5",
                "title": "Grievance mechanism",
                "requirement": (
                    "<p>Vendors shall provide a channel for people who believe they were "
                    "targeted unlawfully, and for staff raising concerns.</p>"
                ),
                "guidance": (
                    "<p>The channel must be usable safely by people at risk, including "
                    "through an intermediary.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Independent assurance",
                "requirement": (
                    "<p>Reports shall be reviewed by an independent party at least every "
                    "two years.</p>"
                ),
                "guidance": "<p>Consultees: is two years too long?</p>",
            },
        ],
    },
    {
        "type": "standard",
        "org": "harbourline-security",
        "title": "Subcontracted tester assurance checklist (Harbourline edition)",
        "slug": "subcontracted-tester-assurance-checklist",
        "summary": (
            "Harbourline's checklist for vetting subcontracted testers, now superseded by the "
            "association's supplier assurance code but kept for contracts that still cite it."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["supply-chain"],
        "audiences": ["small-firms", "large-firms"],
        "days_ago": 395,
        "reviewed_days_ago": 150,
        "version": "2.4",
        "status": "superseded",
        "introduction": [
            _c(
                "Superseded",
                "<p>New contracts should use the association's supplier assurance code. "
                "This version remains available because several live contracts refer to "
                "it.</p>",
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Identity and vetting",
                "requirement": (
                    "<p>Each subcontracted tester shall be identity-checked and hold "
                    "security vetting appropriate to the client.</p>"
                ),
                "guidance": "<p>Keep copies of checks for the life of the contract.</p>",
            },
            {
                "number": "2",
                "title": "Qualifications",
                "requirement": (
                    "<p>Testers shall hold a recognised practical qualification for the type "
                    "of test performed.</p>"
                ),
                "guidance": (
                    "<p>Experience may substitute for a qualification with the practice "
                    "lead's written approval.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Insurance",
                "requirement": (
                    "<p>Subcontractors shall hold professional indemnity insurance at the "
                    "level stated in the contract.</p>"
                ),
                "guidance": "<p>Check the policy covers testing activities explicitly.</p>",
            },
            {
                "number": "4",
                "title": "Data handling",
                "requirement": (
                    "<p>Client data shall be held only on Harbourline-managed devices and "
                    "deleted at close-out.</p>"
                ),
                "guidance": "<p>Personal laptops are never acceptable.</p>",
            },
            {
                "number": "5",
                "title": "Tooling",
                "requirement": (
                    "<p>Subcontractors shall declare every tool they will use, including "
                    "scripts they have written.</p>"
                ),
                "guidance": (
                    "<p>Unknown tools have caused outages at clients; declaration lets us "
                    "check them.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Conduct and reporting",
                "requirement": (
                    "<p>Subcontractors shall follow Harbourline's rules of engagement and "
                    "report any out-of-scope activity immediately.</p>"
                ),
                "guidance": "<p>Reporting a mistake promptly is never a breach.</p>",
            },
        ],
    },
    {
        "type": "standard",
        "org": "fenwick-vale",
        "title": "Incident response readiness standard for firms under fifty staff",
        "slug": "incident-readiness-standard-small-firms",
        "summary": (
            "A short, achievable readiness standard drafted by a small firm for small firms, "
            "covering the few things that matter most when an incident starts."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["incident-response"],
        "audiences": ["small-firms"],
        "days_ago": 33,
        "reviewed_days_ago": None,
        "version": "0.2",
        "status": "draft",
        "introduction": [
            _p(
                "<p>Large-firm frameworks run to hundreds of controls. This draft picks the "
                "seven things we think a firm of under fifty people must have. Comments from "
                "other small firms are very welcome.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Named incident lead",
                "requirement": (
                    "<p>The firm shall name an incident lead and a deputy.</p>"
                ),
                "guidance": "<p>They need authority to spend money and take systems offline.</p>",
            },
            {
                "number": "2",
                "title": "Offline contact list",
                "requirement": (
                    "<p>The firm shall keep an offline list of key contacts: staff, IT "
                    "provider, insurer, bank, legal adviser and the national incident "
                    "line.</p>"
                ),
                "guidance": "<p>A printed sheet in two places is fine.</p>",
            },
            {
                "number": "3",
                "title": "Logging",
                "requirement": (
                    "<p>Sign-in and administrative activity logs for email and cloud services "
                    "shall be retained for at least ninety days.</p>"
                ),
                "guidance": (
                    "<p>Check the retention setting in your cloud plan; defaults are often "
                    "shorter.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Backups",
                "requirement": (
                    "<p>Critical data shall be backed up to a copy that ransomware on the "
                    "main network cannot reach, and restores shall be tested twice a "
                    "year.</p>"
                ),
                "guidance": "<p>Time the restore; that is your real recovery time.</p>",
            },
            {
                "number": "5",
                "title": "Decision log",
                "requirement": (
                    "<p>During an incident, decisions shall be recorded with the time, the "
                    "decision maker and the reason.</p>"
                ),
                "guidance": "<p>Insurers and regulators will ask for this.</p>",
            },
            {
                "number": "6",
                "title": "External help",
                "requirement": (
                    "<p>The firm shall know in advance whom it will call for specialist "
                    "incident response help, and how.</p>"
                ),
                "guidance": (
                    "<p>This may be a retainer, an insurer's panel or a mentor firm through "
                    "the association.</p>"
                ),
            },
            {
                "number": "7",
                "title": "Annual exercise",
                "requirement": (
                    "<p>The firm shall run at least one tabletop exercise a year.</p>"
                ),
                "guidance": (
                    "<p>Any introductory scenario on the portal takes under an hour.</p>"
                ),
            },
        ],
    },
    {
        "type": "standard",
        "org": "cyber-suppliers-association",
        "title": "Members' shared watch-list: listing and handling procedure",
        "slug": "members-watch-list-procedure",
        "summary": (
            "Draft procedure for how members nominate, review, share and remove entries on a "
            "shared watch-list of parties showing red flags in intrusion capability enquiries. "
            "Circulated to the two pilot members."
        ),
        "tlp": "amber",
        "recipient_orgs": ["harbourline-security", "fenwick-vale"],
        "recipient_users": [],
        "topics": ["export-controls", "supply-chain"],
        "audiences": ["large-firms", "small-firms"],
        "days_ago": 19,
        "reviewed_days_ago": None,
        "version": "0.3",
        "status": "draft",
        "introduction": [
            _p(
                "<p>A watch-list can help small members avoid customers that larger members "
                "have already turned away. It can also damage legitimate businesses and raise "
                "competition law risks. This draft is for the pilot members only; please do "
                "not circulate it further until the legal review is complete.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Purpose and limits",
                "requirement": (
                    "<p>The watch-list records parties whose enquiries showed specific red "
                    "flags. It is a prompt for enhanced checks, never a blacklist.</p>"
                ),
                "guidance": (
                    "<p>Members must make their own decision on every enquiry and must not "
                    "agree among themselves to refuse a party.</p>"
                ),
            },
            {
                "number": "2",
                "title": "Nomination",
                "requirement": (
                    "<p>A member may nominate a party by submitting the red flags observed, "
                    "with dates and supporting evidence.</p>"
                ),
                "guidance": (
                    "<p>Opinions and rumours are not enough; list what was said or supplied "
                    "and when.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Review panel",
                "requirement": (
                    "<p>Nominations shall be reviewed by a panel of three: the secretariat, "
                    "one member not involved and an independent legal adviser.</p>"
                ),
                "guidance": "<p>The panel aims to decide within ten working days.</p>",
            },
            {
                "number": "4",
                "title": "Right of reply",
                "requirement": (
                    "<p>Unless a law enforcement body asks otherwise, a listed party shall be "
                    "told and given the chance to respond.</p>"
                ),
                "guidance": (
                    "<p>Pilot members: is this workable where a licensing authority has an "
                    "open enquiry?</p>"
                ),
            },
            {
                "number": "5",
                "title": "Handling",
                "requirement": (
                    "<p>Entries are TLP:AMBER, shared only with named compliance contacts at "
                    "participating members.</p>"
                ),
                "guidance": (
                    "<p>Entries must not be copied into sales systems where sales staff can "
                    "see them.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Expiry and removal",
                "requirement": (
                    "<p>Entries expire after twenty-four months unless renewed with new "
                    "evidence, and are removed at once if shown to be wrong.</p>"
                ),
                "guidance": (
                    "<p>Tell every member that accessed an entry when it is removed.</p>"
                ),
            },
        ],
    },
    {
        "type": "standard",
        "org": "northbridge-cyber-office",
        "title": "Pre-consultation draft: licensing conditions for exploit brokers",
        "slug": "draft-licensing-conditions-exploit-brokers",
        "summary": (
            "Early draft conditions for licensing businesses that buy and sell vulnerabilities "
            "and exploits, shared with the trade body and academic advisers before public "
            "consultation."
        ),
        "tlp": "amber",
        "recipient_orgs": ["cyber-suppliers-association", "eastmoor-university"],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "export-controls", "vulnerability-disclosure"],
        "audiences": ["government-buyers", "researchers"],
        "days_ago": 28,
        "reviewed_days_ago": None,
        "version": "0.6",
        "status": "draft",
        "introduction": [
            _p(
                "<p>Ministers have asked for options for regulating exploit brokers. These "
                "conditions are officials' working draft and do not represent government "
                "policy. We are sharing them with the association and the Centre for Cyber "
                "Norms for a technical view on whether they are workable and enforceable.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Registration",
                "requirement": (
                    "<p>Any business that buys or sells exploits for profit shall register "
                    "with the licensing authority and name an accountable director.</p>"
                ),
                "guidance": (
                    "<p>Open question: should researchers who sell occasionally through a "
                    "bounty platform be exempt?</p>"
                ),
            },
            {
                "number": "2",
                "title": "Source verification",
                "requirement": (
                    "<p>Brokers shall verify the identity of every seller and record how the "
                    "exploit was obtained.</p>"
                ),
                "guidance": (
                    "<p>Aims to stop trading in exploits stolen from other researchers or "
                    "vendors.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Buyer eligibility",
                "requirement": (
                    "<p>Brokers shall sell only to buyers on an approved list maintained by "
                    "the licensing authority.</p>"
                ),
                "guidance": (
                    "<p>Alternative under consideration: case-by-case licences for each "
                    "sale.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Transfer records",
                "requirement": (
                    "<p>Brokers shall keep records of each transfer, including the "
                    "vulnerability, the buyer and the price, for ten years.</p>"
                ),
                "guidance": "<p>Records to be available to the authority on request.</p>",
            },
            {
                "number": "5",
                "title": "Vendor notification option",
                "requirement": (
                    "<p>Brokers shall offer sellers the option of the vulnerability being "
                    "reported to the affected vendor after an agreed period.</p>"
                ),
                "guidance": (
                    "<p>We would value academic views on whether this has any practical "
                    "effect.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Inspection",
                "requirement": (
                    "<p>The licensing authority may inspect records and premises on "
                    "reasonable notice.</p>"
                ),
                "guidance": "<p>Modelled on existing arms brokering controls.</p>",
            },
        ],
    },
    {
        "type": "standard",
        "org": "cyber-suppliers-association",
        "title": "Secretariat procedure for handling complaints against members",
        "slug": "secretariat-complaints-procedure",
        "summary": (
            "How association staff receive, assess and investigate complaints that a member "
            "has breached a code of practice. For secretariat staff only."
        ),
        "tlp": "amber_strict",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["reporting-whistleblowing", "intrusion-capabilities"],
        "audiences": ["large-firms"],
        "days_ago": 160,
        "reviewed_days_ago": 38,
        "version": "1.0",
        "status": "adopted",
        "introduction": [
            _p(
                "<p>Complaints may come from the public, civil society, members, staff of "
                "members or government. This procedure keeps complainants safe and treats "
                "members fairly. It is restricted to secretariat staff because it describes "
                "how we protect complainants' identities.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Receipt",
                "requirement": (
                    "<p>Complaints shall be logged in the restricted case register within "
                    "one working day and acknowledged within three.</p>"
                ),
                "guidance": (
                    "<p>Assign a case number. The complainant's name is stored only in the "
                    "restricted identity file, never in the case summary.</p>"
                ),
            },
            {
                "number": "2",
                "title": "Conflicts of interest",
                "requirement": (
                    "<p>Any staff member with a connection to the member concerned shall "
                    "declare it and step aside.</p>"
                ),
                "guidance": (
                    "<p>Connections include previous employment in the last three years and "
                    "close personal relationships.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Initial assessment",
                "requirement": (
                    "<p>Within fifteen working days the case officer shall decide whether the "
                    "complaint, if true, would breach a code.</p>"
                ),
                "guidance": (
                    "<p>If it would not, write to the complainant explaining why and suggest "
                    "other routes, such as the licensing authority.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Investigation",
                "requirement": (
                    "<p>The member shall be told of the substance of the complaint and given "
                    "twenty working days to respond with evidence.</p>"
                ),
                "guidance": (
                    "<p>Share the substance, not the source. If the detail would identify a "
                    "staff whistleblower, seek their consent first or summarise.</p>"
                ),
            },
            {
                "number": "5",
                "title": "Recommendation",
                "requirement": (
                    "<p>The case officer shall recommend an outcome to the conduct committee: "
                    "no breach, advice, a corrective plan, suspension or expulsion.</p>"
                ),
                "guidance": "<p>The committee, not staff, decides sanctions.</p>",
            },
            {
                "number": "6",
                "title": "Records",
                "requirement": (
                    "<p>Case files shall be kept for six years after closure and then "
                    "destroyed.</p>"
                ),
                "guidance": (
                    "<p>Identity files are destroyed at closure unless the complainant asks "
                    "us to keep them.</p>"
                ),
            },
        ],
    },
    {
        "type": "standard",
        "org": "northbridge-cyber-office",
        "title": "Embargo terms: coordinated disclosure of a VPN gateway authentication bypass",
        "slug": "embargo-terms-vpn-gateway-bypass",
        "summary": (
            "Binding terms for the small group coordinating disclosure of an unpatched "
            "authentication bypass in a widely deployed VPN gateway. Named individuals only "
            "until the public advisory."
        ),
        "tlp": "red",
        "recipient_orgs": [],
        "recipient_users": [RED_RECIPIENT, "publisher@harbourline.example.org"],
        "topics": ["vulnerability-disclosure", "incident-response"],
        "audiences": ["researchers", "large-firms"],
        "days_ago": 6,
        "reviewed_days_ago": 1,
        "version": "1.0",
        "status": "adopted",
        "introduction": [
            _p(
                "<p>Kestrel Threat Labs has found an authentication bypass in the management "
                "interface of a VPN gateway, referred to here as Vendor G's gateway. Vendor G "
                "has confirmed the flaw. Northbridge is coordinating. By accepting this item, "
                "each named recipient agrees to the terms below.</p>"
            ),
        ],
        "clauses": [
            {
                "number": "1",
                "title": "Parties",
                "requirement": (
                    "<p>The embargo binds Vendor G's security team, Northbridge's "
                    "coordination desk, Rae at Kestrel (finder) and Pat at Harbourline "
                    "(early warning to managed service customers).</p>"
                ),
                "guidance": (
                    "<p>No one else may be told without the agreement of Northbridge and "
                    "Vendor G.</p>"
                ),
            },
            {
                "number": "2",
                "title": "Embargo period",
                "requirement": (
                    "<p>The embargo runs until 10:00 on the date of Vendor G's advisory, "
                    "currently planned for day 30 from today.</p>"
                ),
                "guidance": (
                    "<p>The date moves earlier if there is evidence of exploitation.</p>"
                ),
            },
            {
                "number": "3",
                "title": "Permitted use of technical details",
                "requirement": (
                    "<p>Technical details may be used only to develop detection and "
                    "mitigation. No proof of concept may leave the finder's controlled "
                    "repository.</p>"
                ),
                "guidance": (
                    "<p>Detection signatures may be deployed but not published, and must "
                    "not name the vulnerability.</p>"
                ),
            },
            {
                "number": "4",
                "title": "Early warning",
                "requirement": (
                    "<p>Harbourline may apply Vendor G's interim mitigation on managed "
                    "customer gateways from day 20, describing it only as a "
                    "\"configuration hardening change\".</p>"
                ),
                "guidance": (
                    "<p>Northbridge will warn critical national operators on the same "
                    "basis.</p>"
                ),
            },
            {
                "number": "5",
                "title": "Exploitation or leak",
                "requirement": (
                    "<p>Any party that sees signs of exploitation or a leak shall tell "
                    "Northbridge's desk within one hour.</p>"
                ),
                "guidance": (
                    "<p>Northbridge may then end the embargo and publish an emergency "
                    "advisory.</p>"
                ),
            },
            {
                "number": "6",
                "title": "Publication",
                "requirement": (
                    "<p>Vendor G publishes first. The finder may publish a write-up seven "
                    "days later, without a working exploit.</p>"
                ),
                "guidance": (
                    "<p>Northbridge will re-label this item TLP:CLEAR on publication.</p>"
                ),
            },
        ],
    },
]

SCENARIOS = [
    {
        "type": "scenario",
        "org": "northbridge-cyber-office",
        "title": "Tabletop: a customer asks to extend a licence to a new end user",
        "slug": "tabletop-licence-extension-new-end-user",
        "summary": (
            "A one-hour exercise in which an existing, trusted customer asks to pass a licensed "
            "capability to a sister agency abroad just before quarter end."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["export-controls", "training-awareness"],
        "audiences": ["small-firms", "large-firms"],
        "days_ago": 190,
        "reviewed_days_ago": 60,
        "duration_minutes": 60,
        "difficulty": "introductory",
        "participants": "A sales lead, a compliance or legal lead, a technical lead and a director",
        "objectives": [
            _p(
                "<ul>"
                "<li>Recognise that a change of end user is a new export decision.</li>"
                "<li>Practise saying \"not yet\" to a valued customer under time "
                "pressure.</li>"
                "<li>Agree who in the firm has the final say, and record why.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "T+0",
                "situation": (
                    "<p>An email arrives from a police agency in a friendly country that has "
                    "used your product under licence for two years. It asks to extend the "
                    "licence to a \"sister agency\" in a neighbouring country, which will "
                    "\"share the platform for joint operations\".</p>"
                ),
                "questions": [
                    "Is this a sale, an amendment or something else?",
                    "Who in the firm needs to know about the request today?",
                ],
            },
            {
                "time": "T+15",
                "situation": (
                    "<p>The sales director points out that quarter end is in nine days and "
                    "the customer has offered to pay the full year in advance if access is "
                    "granted this week.</p>"
                ),
                "questions": [
                    "How do you respond to the sales director?",
                    "What does advance payment change, if anything?",
                ],
            },
            {
                "time": "T+30",
                "situation": (
                    "<p>Screening shows that the sister agency is a domestic intelligence "
                    "service. A recent report by a human rights body criticised it for "
                    "monitoring journalists.</p>"
                ),
                "questions": [
                    "Does the existing licence cover the new end user?",
                    "What would you need to see before you could agree?",
                ],
            },
            {
                "time": "T+45",
                "situation": (
                    "<p>The customer says that if you cannot help, it will buy a competing "
                    "product from a supplier in another country that \"does not ask so many "
                    "questions\".</p>"
                ),
                "questions": [
                    "Does the threat of losing the customer change your decision?",
                    "What will you write in the record, and who signs it?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "fenwick-vale",
        "title": "Tabletop: an unsolicited vulnerability report arrives on a Friday evening",
        "slug": "tabletop-friday-evening-vulnerability-report",
        "summary": (
            "A short exercise for small firms on handling a credible report that customer data "
            "is exposed, when the reporter is impatient and the team is going home."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["vulnerability-disclosure", "incident-response"],
        "audiences": ["small-firms"],
        "days_ago": 140,
        "reviewed_days_ago": None,
        "duration_minutes": 45,
        "difficulty": "introductory",
        "participants": "Whoever watches the security inbox, a developer and a director",
        "objectives": [
            _p(
                "<ul>"
                "<li>Test whether the disclosure policy works outside office hours.</li>"
                "<li>Separate the vulnerability from the possible data breach.</li>"
                "<li>Practise a calm, useful reply to a reporter.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "Friday 18:30",
                "situation": (
                    "<p>The security mailbox receives a report of SQL injection in the "
                    "customer portal. A screenshot shows five customer records, with names "
                    "and email addresses visible.</p>"
                ),
                "questions": [
                    "Who sees this email, and how do they know it is urgent?",
                    "What is the first thing you do about the portal?",
                ],
            },
            {
                "time": "Friday 19:15",
                "situation": (
                    "<p>The reporter posts on social media: \"Found a nasty bug in a security "
                    "firm's portal. Let's see how long they take to reply.\"</p>"
                ),
                "questions": [
                    "Do you reply publicly, privately or not at all?",
                    "What should your first reply to the reporter say?",
                ],
            },
            {
                "time": "Saturday 10:00",
                "situation": (
                    "<p>The reporter asks whether you pay bounties. Your policy says you do "
                    "not, but you credit reporters.</p>"
                ),
                "questions": [
                    "How do you answer without sounding ungrateful or threatening?",
                    "Does the request change how you view the report?",
                ],
            },
            {
                "time": "Monday 09:00",
                "situation": (
                    "<p>A customer whose record was in the screenshot calls to ask whether "
                    "their data was stolen.</p>"
                ),
                "questions": [
                    "Is this now a personal data breach you must report?",
                    "What can you honestly tell the customer today?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "eastmoor-university",
        "title": "Seminar exercise: a student finds a flaw in the university's own systems",
        "slug": "seminar-student-finds-flaw-university-systems",
        "summary": (
            "A teaching exercise exploring what a student, a supervisor and a university should "
            "each do when coursework stumbles on a real vulnerability in the institution."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["vulnerability-disclosure", "training-awareness"],
        "audiences": ["researchers"],
        "days_ago": 110,
        "reviewed_days_ago": 15,
        "duration_minutes": 90,
        "difficulty": "intermediate",
        "participants": (
            "Students in small groups, a module leader, someone from university IT security "
            "and an ethics officer"
        ),
        "objectives": [
            _p(
                "<ul>"
                "<li>Understand the line between curiosity and unauthorised access.</li>"
                "<li>See a disclosure from the side of the organisation receiving it.</li>"
                "<li>Discuss how institutions can make honest reporting safe.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "Week 3",
                "situation": (
                    "<p>While practising web testing on a lab target, a student notices the "
                    "university's timetabling site uses the same framework version. Out of "
                    "curiosity they try one request and see another student's timetable.</p>"
                ),
                "questions": [
                    "What has the student done wrong, if anything?",
                    "What should they do in the next hour?",
                ],
            },
            {
                "time": "Week 3, next day",
                "situation": (
                    "<p>The student tells their module leader, who is unsure whether to "
                    "report the student, the flaw or both.</p>"
                ),
                "questions": [
                    "Who should the module leader contact?",
                    "How should the university treat the student?",
                ],
            },
            {
                "time": "Week 5",
                "situation": (
                    "<p>IT security has not fixed the flaw. The student wants to use it as a "
                    "case study in their coursework, which will be marked by external "
                    "examiners.</p>"
                ),
                "questions": [
                    "Can the coursework go ahead, and on what terms?",
                    "What does a reasonable disclosure timeline look like here?",
                ],
            },
            {
                "time": "Week 8",
                "situation": (
                    "<p>A different student, who heard about the flaw, uses it to download "
                    "hundreds of timetables and posts them on a group chat.</p>"
                ),
                "questions": [
                    "Is the first student responsible in any way?",
                    "What should the university change so that this does not recur?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "open-conduct-network",
        "title": "Tabletop: an engineer suspects a product is being misused abroad",
        "slug": "tabletop-engineer-suspects-misuse-abroad",
        "summary": (
            "An exercise for vendors on what happens when a support engineer sees signs that a "
            "customer is targeting journalists, and the concern meets commercial and "
            "reputational pressure."
        ),
        "tlp": "clear",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["reporting-whistleblowing", "intrusion-capabilities"],
        "audiences": ["large-firms", "small-firms"],
        "days_ago": 230,
        "reviewed_days_ago": 75,
        "duration_minutes": 75,
        "difficulty": "intermediate",
        "participants": "Engineering, compliance, legal, communications and a senior manager",
        "objectives": [
            _p(
                "<ul>"
                "<li>Test the route from a technical observation to a decision.</li>"
                "<li>Practise protecting the person who raised the concern.</li>"
                "<li>Plan an honest response to outside scrutiny.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "T+0",
                "situation": (
                    "<p>During a remote support session, an engineer sees a targeting "
                    "configuration that includes the domains of three independent news "
                    "outlets in the customer's country. The contract says the product is "
                    "for serious organised crime investigations.</p>"
                ),
                "questions": [
                    "What should the engineer do, and what should they avoid doing?",
                    "Does your firm have a clear route for this?",
                ],
            },
            {
                "time": "T+15",
                "situation": (
                    "<p>The engineer's manager says: \"We do not look at customer data. "
                    "Forget what you saw.\"</p>"
                ),
                "questions": [
                    "Is the manager right about anything?",
                    "What options does the engineer have now?",
                ],
            },
            {
                "time": "T+35",
                "situation": (
                    "<p>A civil society group emails your press office. It has forensic "
                    "evidence that two reporters at one of the outlets were infected with "
                    "your product.</p>"
                ),
                "questions": [
                    "Who responds, and what do they say?",
                    "How does this change the internal investigation?",
                ],
            },
            {
                "time": "T+55",
                "situation": (
                    "<p>The customer threatens to end a large renewal if support is "
                    "suspended, and asks for the name of the employee who \"spied\" on "
                    "it.</p>"
                ),
                "questions": [
                    "Do you suspend support, and who decides?",
                    "How do you protect the engineer?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "kestrel-labs",
        "title": "Tabletop: ransomware at the managed service provider you depend on",
        "slug": "tabletop-ransomware-at-your-msp",
        "summary": (
            "A small-firm exercise about the day your outsourced IT provider is hit by "
            "ransomware and your own systems may be next."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["supply-chain", "incident-response"],
        "audiences": ["small-firms"],
        "days_ago": 82,
        "reviewed_days_ago": None,
        "duration_minutes": 90,
        "difficulty": "intermediate",
        "participants": (
            "Directors, the office manager and whoever looks after the relationship with the IT "
            "provider"
        ),
        "objectives": [
            _p(
                "<ul>"
                "<li>Find out what you would lose if your IT provider vanished for a "
                "week.</li>"
                "<li>Decide in advance when to cut the provider's access.</li>"
                "<li>Check your own obligations to customers and regulators.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "Tuesday 07:40",
                "situation": (
                    "<p>Your IT provider emails all clients: it is \"investigating a "
                    "security incident\" and has disabled its remote management tool as a "
                    "precaution.</p>"
                ),
                "questions": [
                    "What do you know about how the provider reaches your systems?",
                    "Who do you call, and what do you ask?",
                ],
            },
            {
                "time": "Tuesday 10:00",
                "situation": (
                    "<p>A news site reports that the provider has been hit by ransomware "
                    "and that attackers claim to hold client data.</p>"
                ),
                "questions": [
                    "Do you revoke every account the provider holds on your systems now?",
                    "What would that break?",
                ],
            },
            {
                "time": "Tuesday 14:00",
                "situation": (
                    "<p>One of your laptops shows a new, unfamiliar remote access program "
                    "installed last night.</p>"
                ),
                "questions": [
                    "Is this now your incident? Who leads it?",
                    "What evidence do you keep before you clean the laptop?",
                ],
            },
            {
                "time": "Wednesday 09:00",
                "situation": (
                    "<p>A client asks whether their testing reports, which you store in a "
                    "cloud folder the provider manages, have been stolen.</p>"
                ),
                "questions": [
                    "What can you say with confidence?",
                    "Do you have notification duties to clients or regulators?",
                ],
            },
            {
                "time": "Week 2",
                "situation": (
                    "<p>The provider is back online and asks to restore its access to your "
                    "systems.</p>"
                ),
                "questions": [
                    "What do you need from them before agreeing?",
                    "Would you change provider? How long would that take?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "cyber-suppliers-association",
        "title": "Board awareness exercise: responsible conduct decisions in one hour",
        "slug": "board-exercise-responsible-conduct",
        "summary": (
            "Four quick dilemmas that help a board see where responsible conduct meets revenue, "
            "and agree who decides what."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["training-awareness", "export-controls", "reporting-whistleblowing"],
        "audiences": ["large-firms"],
        "days_ago": 305,
        "reviewed_days_ago": 100,
        "duration_minutes": 60,
        "difficulty": "introductory",
        "participants": "Board members, the chief executive and the company secretary",
        "objectives": [
            _p(
                "<ul>"
                "<li>Help board members recognise the conduct risks in their own "
                "business.</li>"
                "<li>Agree which decisions must come to the board.</li>"
                "<li>Show that the association's code applies at board level.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "Dilemma 1 (10 minutes)",
                "situation": (
                    "<p>The largest prospective deal this year is with a customer in a "
                    "country rated high risk. Compliance recommends enhanced checks that "
                    "will delay signing by two months.</p>"
                ),
                "questions": [
                    "Does the board need to see this deal? Why?",
                    "How do you make sure compliance is not overruled quietly?",
                ],
            },
            {
                "time": "Dilemma 2 (10 minutes)",
                "situation": (
                    "<p>A staff member has raised a concern through the speak-up route about "
                    "a director's contacts with a broker.</p>"
                ),
                "questions": [
                    "Who should investigate, given a director is involved?",
                    "What should the board be told, and when?",
                ],
            },
            {
                "time": "Dilemma 3 (10 minutes)",
                "situation": (
                    "<p>A researcher reports a serious flaw in your flagship product and "
                    "plans to publish in sixty days. Engineering says a fix takes "
                    "ninety.</p>"
                ),
                "questions": [
                    "What should the firm say to the researcher?",
                    "What should it say to customers, and when?",
                ],
            },
            {
                "time": "Dilemma 4 (10 minutes)",
                "situation": (
                    "<p>An investor proposes buying a small exploit development firm to "
                    "\"grow the offensive portfolio\".</p>"
                ),
                "questions": [
                    "What due diligence would you require on the target's past sales?",
                    "How would the acquisition change your obligations under the code?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "harbourline-security",
        "title": "Exercise: a government department procures a red-team service",
        "slug": "exercise-government-procures-red-team",
        "summary": (
            "An advanced two-hour exercise for buyers and suppliers, following a red-team "
            "procurement from requirement to exit and the awkward moments in between."
        ),
        "tlp": "green",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["intrusion-capabilities", "supply-chain"],
        "audiences": ["government-buyers"],
        "days_ago": 155,
        "reviewed_days_ago": 45,
        "duration_minutes": 120,
        "difficulty": "advanced",
        "participants": (
            "Procurement officers, departmental security leads, supplier account managers and "
            "legal advisers"
        ),
        "objectives": [
            _p(
                "<ul>"
                "<li>Apply the baseline expectations for government buyers to a real "
                "procurement.</li>"
                "<li>Surface differences between what buyers ask for and what suppliers "
                "need.</li>"
                "<li>Plan for scope changes and findings involving third parties.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "Stage 1: requirement",
                "situation": (
                    "<p>A department wants a red team to test its resilience, including "
                    "social engineering of staff and a cloud provider's shared "
                    "platform.</p>"
                ),
                "questions": [
                    "Who must authorise testing of the cloud provider's platform?",
                    "What should the tender say about subcontracting?",
                ],
            },
            {
                "time": "Stage 2: evaluation",
                "situation": (
                    "<p>The cheapest bid comes from a supplier that will not say which tools "
                    "it uses or where testers are based.</p>"
                ),
                "questions": [
                    "Can you reject the bid on these grounds?",
                    "What evidence would you ask for?",
                ],
            },
            {
                "time": "Stage 3: week 2 of testing",
                "situation": (
                    "<p>The red team finds that a contractor's laptop gives access to another "
                    "department's network, which is out of scope.</p>"
                ),
                "questions": [
                    "What should the red team do immediately?",
                    "Who tells the other department, and how?",
                ],
            },
            {
                "time": "Stage 4: findings",
                "situation": (
                    "<p>The team discovers a previously unknown vulnerability in a widely "
                    "used product.</p>"
                ),
                "questions": [
                    "Who decides whether and when the vendor is told?",
                    "Does the contract allow the supplier to report it?",
                ],
            },
            {
                "time": "Stage 5: exit",
                "situation": (
                    "<p>Three months after the engagement, a monitoring alert shows an "
                    "implant from the test still calling out.</p>"
                ),
                "questions": [
                    "What went wrong at exit?",
                    "What will you change in the next contract?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "harbourline-security",
        "title": "Mentoring exercise: a reseller wants a demonstration for an unnamed end user",
        "slug": "mentoring-exercise-reseller-demo-unnamed-end-user",
        "summary": (
            "Built from two recent approaches seen by Harbourline, anonymised but otherwise "
            "real. Shared with Fenwick & Vale as part of the mentoring programme."
        ),
        "tlp": "amber",
        "recipient_orgs": ["fenwick-vale"],
        "recipient_users": [],
        "topics": ["export-controls", "supply-chain"],
        "audiences": ["small-firms"],
        "days_ago": 36,
        "reviewed_days_ago": None,
        "duration_minutes": 60,
        "difficulty": "intermediate",
        "participants": (
            "Fenwick & Vale directors and sales lead, with a Harbourline mentor facilitating"
        ),
        "objectives": [
            _p(
                "<ul>"
                "<li>Recognise the reseller patterns Harbourline has seen this year.</li>"
                "<li>Decide what a demonstration is, for export control purposes.</li>"
                "<li>Agree a script for declining without burning the relationship.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "T+0",
                "situation": (
                    "<p>A reseller you met at a trade fair asks for a remote demonstration of "
                    "your phishing simulation platform, including its payload builder, for "
                    "\"a government client who prefers to remain anonymous\".</p>"
                ),
                "questions": [
                    "Is a remote demonstration an export? Of what?",
                    "What would you need to know before agreeing?",
                ],
            },
            {
                "time": "T+15",
                "situation": (
                    "<p>The reseller sends a letter on a ministry's letterhead with no "
                    "signature and asks that the demonstration be recorded \"for the "
                    "client's evaluation committee\".</p>"
                ),
                "questions": [
                    "What does the recording request change?",
                    "How would you check the letter?",
                ],
            },
            {
                "time": "T+30",
                "situation": (
                    "<p>The Harbourline mentor reveals that a near-identical request reached "
                    "Harbourline in the spring, from a reseller registered at the same "
                    "agent's address, and that Harbourline declined it.</p>"
                ),
                "questions": [
                    "How much may Harbourline tell you about its own case, and on what terms?",
                    "How do you decline?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "eastmoor-university",
        "title": "Research ethics drill: a leaked spyware vendor dataset arrives in your inbox",
        "slug": "ethics-drill-leaked-spyware-dataset",
        "summary": (
            "A drill for researchers and caseworkers on handling a leaked dataset that may name "
            "surveillance targets. Shared with Open Conduct Network, whose caseworkers co-wrote "
            "it."
        ),
        "tlp": "amber",
        "recipient_orgs": ["open-conduct-network"],
        "recipient_users": [],
        "topics": ["training-awareness", "intrusion-capabilities"],
        "audiences": ["researchers"],
        "days_ago": 58,
        "reviewed_days_ago": 20,
        "duration_minutes": 90,
        "difficulty": "advanced",
        "participants": (
            "Research staff, the data protection officer, the ethics panel chair and Open "
            "Conduct caseworkers"
        ),
        "objectives": [
            _p(
                "<ul>"
                "<li>Decide whether and how leaked data can ethically be used in "
                "research.</li>"
                "<li>Protect the people named in the data, who did not consent to any of "
                "this.</li>"
                "<li>Plan secure handling before anyone opens the files.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "Day 1, 09:00",
                "situation": (
                    "<p>An anonymous sender emails a lecturer a link to an archive said to "
                    "contain a spyware vendor's customer support tickets, including target "
                    "phone numbers.</p>"
                ),
                "questions": [
                    "Should anyone download it? On what machine?",
                    "Who in the university must be told before anything else happens?",
                ],
            },
            {
                "time": "Day 1, 15:00",
                "situation": (
                    "<p>A quick, controlled look suggests the data is genuine. Some tickets "
                    "mention phone numbers that match known activists.</p>"
                ),
                "questions": [
                    "What duty, if any, do you have to the people named?",
                    "How should Open Conduct be involved in contacting them?",
                ],
            },
            {
                "time": "Day 4",
                "situation": (
                    "<p>A journalist says they have the same archive and will publish a "
                    "story in a week, asking the Centre for comment.</p>"
                ),
                "questions": [
                    "Does publication by others change your ethical position?",
                    "What can you say without confirming the data?",
                ],
            },
            {
                "time": "Day 10",
                "situation": (
                    "<p>The vendor's lawyers write to the university demanding the data be "
                    "destroyed and threatening action.</p>"
                ),
                "questions": [
                    "Who answers, and what do they need from the research team?",
                    "Would you have done anything differently on day 1?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "kestrel-labs",
        "title": "Internal drill: a researcher's laptop is seized at a border crossing",
        "slug": "internal-drill-laptop-seized-at-border",
        "summary": (
            "Kestrel's own drill for the day a team member's work laptop, with research data "
            "and client material on it, is taken by border officials abroad. Kestrel staff only."
        ),
        "tlp": "amber_strict",
        "recipient_orgs": [],
        "recipient_users": [],
        "topics": ["incident-response", "intrusion-capabilities"],
        "audiences": ["small-firms", "researchers"],
        "days_ago": 65,
        "reviewed_days_ago": 7,
        "duration_minutes": 45,
        "difficulty": "intermediate",
        "participants": "All four Kestrel staff",
        "objectives": [
            _p(
                "<ul>"
                "<li>Check our travel rules for laptops and phones actually work.</li>"
                "<li>Agree who does what in the first hours, with one person abroad and "
                "possibly unreachable.</li>"
                "<li>Know which clients and vendors we would have to tell.</li>"
                "</ul>"
            ),
        ],
        "injects": [
            {
                "time": "T+0",
                "situation": (
                    "<p>Kit messages the team chat from an airport abroad: border officials "
                    "have taken the travel laptop and phone \"for inspection\" and asked for "
                    "passwords. Kit is waiting in a side room.</p>"
                ),
                "questions": [
                    "What should Kit do about the passwords? What does our policy say?",
                    "Who contacts the consulate and our legal adviser?",
                ],
            },
            {
                "time": "T+20",
                "situation": (
                    "<p>We realise the travel laptop was not wiped before the trip. It holds "
                    "an encrypted copy of unpublished vulnerability research and a "
                    "client's test report.</p>"
                ),
                "questions": [
                    "Which accounts and keys do we revoke now, and from where?",
                    "Who must we tell, and how quickly?",
                ],
            },
            {
                "time": "T+3 hours",
                "situation": (
                    "<p>Kit is released and the devices are returned sealed in a bag, with "
                    "no explanation.</p>"
                ),
                "questions": [
                    "Can we trust these devices again?",
                    "What changes to travel rules do we make today?",
                ],
            },
        ],
    },
    {
        "type": "scenario",
        "org": "open-conduct-network",
        "title": "Pre-publication drill: legal threats and retaliation over our spyware findings",
        "slug": "pre-publication-drill-spyware-findings",
        "summary": (
            "A rehearsal for publishing our forthcoming report attributing infections of two "
            "journalists to a specific commercial product. Named individuals only until "
            "publication."
        ),
        "tlp": "red",
        "recipient_orgs": [],
        "recipient_users": [RED_RECIPIENT, "contributor@eastmoor.example.org"],
        "topics": ["intrusion-capabilities", "incident-response", "reporting-whistleblowing"],
        "audiences": ["researchers"],
        "days_ago": 4,
        "reviewed_days_ago": None,
        "duration_minutes": 120,
        "difficulty": "advanced",
        "participants": (
            "Open Conduct's research lead and press officer, Rae (Kestrel, independent "
            "forensic check) and Eli (Eastmoor, legal and ethical review)"
        ),
        "objectives": [
            _p(
                "<ul>"
                "<li>Rehearse the publication day minute by minute.</li>"
                "<li>Prepare answers to the vendor's most likely legal and technical "
                "challenges.</li>"
                "<li>Make sure the two journalists, and our reviewers, are protected from "
                "retaliation.</li>"
                "</ul>"
            ),
            _c(
                "Handling",
                "<p>TLP:RED. The journalists have not yet told their editors. Do not discuss "
                "this drill with anyone, including colleagues, before publication.</p>",
            ),
        ],
        "injects": [
            {
                "time": "P-7 days",
                "situation": (
                    "<p>We send the vendor our findings and ask for comment within five "
                    "days, as our policy requires. The letter names the product but not the "
                    "journalists.</p>"
                ),
                "questions": [
                    "Is five days fair? What would make us extend it?",
                    "What do we do if the vendor asks to see the forensic evidence?",
                ],
            },
            {
                "time": "P-3 days",
                "situation": (
                    "<p>The vendor's lawyers reply that the attribution is defamatory, that "
                    "the product cannot be used as we describe, and that they will seek an "
                    "injunction.</p>"
                ),
                "questions": [
                    "Which parts of our evidence are strongest, and which weakest?",
                    "What role should Rae's independent check play in our response?",
                ],
            },
            {
                "time": "P-1 day",
                "situation": (
                    "<p>One of the journalists receives a new suspicious link from an "
                    "account impersonating a press freedom group.</p>"
                ),
                "questions": [
                    "How do we secure the journalist's devices without tipping off the "
                    "operator?",
                    "Does this change the publication date?",
                ],
            },
            {
                "time": "Publication day, 11:00",
                "situation": (
                    "<p>The report is live. The vendor issues a statement calling our "
                    "researchers \"activists with no technical expertise\", and an account "
                    "starts posting Eli's home address.</p>"
                ),
                "questions": [
                    "What do we do in the first hour to protect Eli?",
                    "How do we answer the vendor's statement, if at all?",
                ],
            },
        ],
    },
]

ITEMS = GUIDANCE + CASE_STUDIES + STANDARDS + SCENARIOS

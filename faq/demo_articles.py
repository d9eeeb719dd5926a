"""Demo knowledge base: realistic articles across the seeded service areas (DEMO ONLY).

Each entry: slug, service area, contact types it answers, title, SMS summary, keywords,
Markdown body, internal section (staff only), audience.
"""

PUBLIC = "public"
STAFF = "staff"

ARTICLES = [
    # --- Waste Management -----------------------------------------------------------------
    (
        "bulky-waste",
        "Waste Management",
        ["Bulky waste collection"],
        "Book a bulky waste collection",
        "Book a bulky waste collection online: up to 5 items for £35, collected in 10 working days.",
        "bulky items, furniture, sofa, fridge, mattress, large items, white goods",
        """We collect large household items that do not fit in your bins.

## What it costs

- Up to 5 items: **£35**
- Each extra item: £7
- Fridges and freezers count as 2 items

People on Council Tax Support pay half.

## How to book

Book and pay online or by phone. We collect within 10 working days, on the day we give you.
Put the items outside your property by 7am on that day, not on the road.

## What we cannot take

Building rubble, garden waste, asbestos, car parts and anything that needs two people to lift
safely from inside a flat above the ground floor.""",
        "If a resident says the crew did not turn up, check the crew notes in the contractor portal "
        "before rebooking. Rebook free of charge if we missed it.",
        PUBLIC,
    ),
    (
        "missed-bin",
        "Waste Management",
        ["Missed bin"],
        "Report a missed bin collection",
        "Report a missed bin by 5pm the next working day; we return within 2 working days.",
        "missed bin, bin not emptied, rubbish not collected, refuse, recycling missed",
        """If your bin was not emptied on your collection day, tell us by **5pm the next working day**.

Before you report it, check that:

- the bin was out by 7am on collection day
- the lid was closed and nothing was on top of it
- there are no delays in your area because of bad weather or road works

We will come back within 2 working days.""",
        "Three missed collections at the same address in 3 months: raise an assisted-collection check.",
        PUBLIC,
    ),
    (
        "bin-collection-day",
        "Waste Management",
        ["Missed bin", "New bin request"],
        "Find your bin collection day",
        "Find your bin day online with your postcode. Rubbish and recycling go on alternate weeks.",
        "bin day, collection day, when are my bins collected, rubbish day, recycling week, calendar",
        """Enter your postcode on our website to see your collection days for the next 8 weeks.

Rubbish (black bin) and recycling (blue bin) are collected on **alternate weeks**. Food waste
(small grey caddy) is collected every week.

Collection days change around bank holidays: we publish the changes two weeks before.""",
        "",
        PUBLIC,
    ),
    (
        "new-bin",
        "Waste Management",
        ["New bin request"],
        "Order a new or replacement bin",
        "Order a new or replacement bin online. Replacements for damaged or stolen bins are free.",
        "new bin, replacement bin, broken bin, stolen bin, lost bin, damaged bin, extra bin",
        """We replace damaged or stolen bins **free of charge**. New homes pay £30 per bin.

Bins are delivered within 10 working days. Leave the old bin out on collection day with a
note saying "please take" and the crew will take it away.

Households of 6 or more can ask for a larger rubbish bin.""",
        "Larger bin requests: check the household size on the council tax record before approving.",
        PUBLIC,
    ),
    (
        "garden-waste",
        "Waste Management",
        ["Garden waste subscription"],
        "Garden waste collection subscription",
        "Garden waste is collected fortnightly for £52 a year. Subscribe online.",
        "garden waste, green bin, brown bin, grass cuttings, hedge, leaves, subscription, renew",
        """Our garden waste service costs **£52 a year** for one green bin, collected every two weeks
from March to November and monthly in winter.

Subscribe or renew online. Your first collection is within 2 weeks of paying.

Put in grass, leaves, hedge trimmings, flowers and small branches. Do not put in soil, food or
plastic bags.""",
        "",
        PUBLIC,
    ),
    (
        "fly-tipping",
        "Waste Management",
        ["Fly-tipping report"],
        "Report fly-tipping",
        "Report fly-tipping online with a photo. We clear public land in 3 working days.",
        "fly tipping, dumped rubbish, illegal dumping, rubbish on street, dumped mattress",
        """Tell us where the waste is, what it is, and how much. A photo helps.

We clear fly-tipping on public land within **3 working days** and within 24 hours if it is
dangerous (for example needles or chemicals).

Never touch hazardous waste. If you saw someone dumping it, tell us what you saw: do not
approach them.""",
        "Waste on private land is the landowner's responsibility: log the report and refer to "
        "Environmental Health if it is a health risk.",
        PUBLIC,
    ),
    (
        "recycling",
        "Waste Management",
        ["Missed bin"],
        "What goes in your recycling bin",
        "Blue bin: paper, card, cans, plastic bottles, pots, tubs, trays and glass. No bags.",
        "recycling, blue bin, what can I recycle, plastic, glass, cardboard, contaminated bin",
        """Put these in your **blue recycling bin**, loose and rinsed:

- paper and card (flattened)
- food and drink cans and tins, aerosols
- plastic bottles, pots, tubs and trays
- glass bottles and jars

Do not put in plastic bags, film, nappies, food or textiles. A bin with the wrong things in it
gets a tag and is not emptied that week.""",
        "",
        PUBLIC,
    ),
    (
        "assisted-bins",
        "Waste Management",
        ["Missed bin", "New bin request"],
        "Help putting your bins out (assisted collection)",
        "Can nobody at home put the bins out? Ask for an assisted collection.",
        "assisted collection, disabled, elderly, cannot move bin, help with bins, pull out",
        """If nobody in your household can take the bins to the kerb because of age, illness or
disability, ask for an **assisted collection**. The crew will collect your bins from where they
are kept and put them back.

We review assisted collections every 3 years.""",
        "Record the resident's reason as an assistance flag on their record as well.",
        PUBLIC,
    ),
    (
        "christmas-bins",
        "Waste Management",
        ["Missed bin"],
        "Bin collections over Christmas and New Year",
        "Collections move by up to 2 days over Christmas. Check your dates online.",
        "christmas bins, holiday collections, new year bins, bank holiday collection changes, tree",
        """Over Christmas and New Year collections move by up to 2 days. Your new dates are on our
website from 1 December.

We collect real Christmas trees in January: cut them into pieces and put them beside your
green garden waste bin.""",
        "",
        PUBLIC,
    ),
    (
        "bulky-waste-staff-exceptions",
        "Waste Management",
        ["Bulky waste collection"],
        "Bulky waste: when to waive or change a booking (staff)",
        "Staff guidance on free bulky collections, cancellations and refunds.",
        "bulky waste refund, cancel bulky, waive fee, free collection, hoarding",
        """- **Refunds**: full refund if cancelled 2 working days before the collection day.
- **Missed by us**: rebook free and apologise; log an avoidable contact.
- **Hoarding or safeguarding concerns**: do not book; refer to the Housing team and add a note.
- **Bereavement**: team leaders may waive the fee for clearing a deceased relative's home.""",
        "",
        STAFF,
    ),
    # --- Council Tax --------------------------------------------------------------------------
    (
        "pay-council-tax",
        "Council Tax",
        ["Balance enquiry", "Payment arrangement"],
        "Pay your council tax",
        "Pay council tax online, by Direct Debit, by phone on 0300 123 4567 or at a PayPoint.",
        "pay council tax, payment, card payment, paypoint, bank transfer, how to pay",
        """You can pay:

- **online** with a debit or credit card, any time
- by **Direct Debit** on the 1st, 8th, 15th or 22nd of the month
- by **phone** on 0300 123 4567 (automated, 24 hours)
- at a **PayPoint** or Post Office with the barcode on your bill
- by **bank transfer**: use your 8-digit account reference

Have your council tax account reference ready: it starts with CT and is on your bill.""",
        "",
        PUBLIC,
    ),
    (
        "council-tax-dd",
        "Council Tax",
        ["Payment arrangement"],
        "Set up a council tax Direct Debit",
        "Set up a council tax Direct Debit online: the 1st, 8th, 15th or 22nd, 10 or 12 months.",
        "direct debit, monthly payments, 12 instalments, change payment date, dd",
        """Direct Debit is the easiest way to pay. Choose:

- your payment date: the **1st, 8th, 15th or 22nd**
- **10 monthly instalments** (April to January) or **12** (April to March)

It takes up to 14 days to set up. If your first payment date is too soon we add it to the next
instalment.""",
        "Changing to 12 instalments mid-year spreads what is left over the remaining months.",
        PUBLIC,
    ),
    (
        "single-person-discount",
        "Council Tax",
        ["Discount or exemption"],
        "Single person discount",
        "If you are the only adult living at home you get 25% off your council tax. Apply online.",
        "single person discount, live alone, 25% off, discount, one adult, spd",
        """You can get **25% off** your council tax if you are the only adult (18 or over) who lives
in your home.

Some adults are not counted, for example full-time students, student nurses, apprentices and
people who are severely mentally impaired.

Apply online. Tell us within 21 days if someone else moves in, or you may have to pay a penalty.""",
        "We review single person discounts every year with credit reference data: a resident who "
        "received a review letter must reply within 21 days.",
        PUBLIC,
    ),
    (
        "student-exemption",
        "Council Tax",
        ["Discount or exemption"],
        "Council tax for students",
        "Homes where only full-time students live do not pay council tax.",
        "student exemption, students, university, college, student certificate, class n",
        """A home where everyone is a full-time student is **exempt** from council tax.

If you live with people who are not students, they may get a discount instead of an exemption.

Send us a student certificate from your university or college. It must show your course start
and end dates.""",
        "",
        PUBLIC,
    ),
    (
        "moving-home",
        "Council Tax",
        ["Change of address"],
        "Moving home: tell us about your council tax",
        "Moving home? Tell us your moving date online so we can update your council tax.",
        "moving home, change of address, moving out, moving in, new address, final bill",
        """Tell us when you move in, move out, or move within the borough. We need:

- the date you moved
- your new address and your forwarding address if you left
- the name of your landlord or solicitor

We will send you a final bill or a new bill. If you paid too much we refund you.""",
        "",
        PUBLIC,
    ),
    (
        "council-tax-arrears",
        "Council Tax",
        ["Payment arrangement", "Balance enquiry"],
        "Behind with council tax payments",
        "Behind on council tax? Contact us before a summons: we can spread what you owe.",
        "arrears, behind, reminder, final notice, summons, liability order, cannot pay, debt",
        """If you miss a payment we send a **reminder**. If you do not pay within 7 days you lose the
right to pay by instalments and the whole year's bill becomes due.

Contact us as soon as you can: we can usually agree a **payment arrangement** that you can
afford. Free, confidential debt advice is available from StepChange and Citizens Advice.""",
        "Arrangements: maximum 12 months unless a team leader agrees. Once a summons is issued, "
        "court costs of £85 are added and cannot be waived by the contact centre.",
        PUBLIC,
    ),
    (
        "council-tax-bands",
        "Council Tax",
        ["Balance enquiry"],
        "Council tax bands and charges",
        "Your band is set by the Valuation Office Agency. See this year's charges online.",
        "council tax band, valuation, band a, band d, charges, challenge band, appeal",
        """Every home is in a council tax **band** from A to H, based on its value in April 1991.

The Valuation Office Agency (VOA), not the council, sets your band. If you think it is wrong,
you can ask the VOA to review it. Keep paying your current bill while they do.""",
        "",
        PUBLIC,
    ),
    (
        "council-tax-support",
        "Council Tax",
        ["Discount or exemption"],
        "Council Tax Support",
        "On a low income? Council Tax Support can reduce your bill by up to 80%. Apply online.",
        "council tax support, council tax reduction, low income, help with council tax, ctr",
        """If you are on a low income or get benefits, you may get **Council Tax Support**.
Working-age residents can get up to 80% off; pensioners up to 100%.

Apply online. You will need proof of your income and savings for everyone in your home.""",
        "",
        PUBLIC,
    ),
    (
        "empty-homes",
        "Council Tax",
        ["Discount or exemption"],
        "Council tax on empty and second homes",
        "Empty homes pay full council tax; after 1 year empty a premium is added.",
        "empty property, second home, unoccupied, premium, furnished, probate, exemption",
        """Homes that are empty and unfurnished pay the **full charge**. After 1 year empty you pay a
**premium** of 100% extra.

Some empty homes are exempt, for example when the owner has died and probate is not yet
granted, or the owner is in hospital or care.""",
        "",
        PUBLIC,
    ),
    # --- Benefits ---------------------------------------------------------------------------------
    (
        "housing-benefit",
        "Benefits",
        ["New claim"],
        "Apply for Housing Benefit",
        "Pensioners can claim Housing Benefit from us; most others claim Universal Credit.",
        "housing benefit, help with rent, apply, claim, universal credit, pension age",
        """You can claim **Housing Benefit** from the council if you:

- have reached State Pension age, or
- live in supported, sheltered or temporary housing

Most working-age people claim help with rent through **Universal Credit** instead.

Apply online. We may ask for proof of income, savings and rent.""",
        "",
        PUBLIC,
    ),
    (
        "benefit-changes",
        "Benefits",
        ["Change of circumstances"],
        "Tell us about a change of circumstances",
        "Tell us within a month about changes to income, household or rent.",
        "change of circumstances, new job, moved, partner moved in, income changed, overpayment",
        """Tell us within **one month** if anything changes, for example:

- your income, savings or working hours
- someone moves in or out
- your rent changes or you move home

If you tell us late you may be overpaid and have to pay it back.""",
        "",
        PUBLIC,
    ),
    (
        "benefit-payments",
        "Benefits",
        ["Payment enquiry"],
        "When Housing Benefit is paid",
        "Housing Benefit is paid every 2 or 4 weeks on a Monday.",
        "payment dates, when paid, housing benefit payment, not received, late payment",
        """Housing Benefit is paid **every 2 or 4 weeks on a Monday**, in arrears.

- Private tenants are paid into their bank account (or their landlord's).
- Council tenants have it credited to their rent account.

Allow 3 working days for the money to reach your account.""",
        "",
        PUBLIC,
    ),
    (
        "dhp",
        "Benefits",
        ["New claim"],
        "Discretionary Housing Payments",
        "If benefits do not cover your rent, apply for a Discretionary Housing Payment.",
        "dhp, discretionary housing payment, shortfall, rent shortfall, bedroom tax, help with rent",
        """A **Discretionary Housing Payment (DHP)** is extra help if Housing Benefit or the housing
part of Universal Credit does not cover your rent.

It is usually short-term, for example while you look for cheaper housing. Apply online and tell
us about your income and spending.""",
        "DHP fund is limited: priority to households at risk of homelessness. Refer urgent cases to "
        "the Housing Options team the same day.",
        PUBLIC,
    ),
    (
        "benefits-evidence",
        "Benefits",
        ["New claim", "Change of circumstances"],
        "Sending evidence for your benefit claim",
        "Upload photos of your evidence online within one month. We do not need the originals.",
        "evidence, documents, proof, payslips, bank statements, upload, send documents",
        """We may ask for evidence such as payslips, bank statements or a tenancy agreement.

Take clear photos and **upload them online** within one month. We do not need originals.
If you cannot get it in time, tell us before the deadline.""",
        "",
        PUBLIC,
    ),
    # --- Licensing --------------------------------------------------------------------------------
    (
        "taxi-driver-licence",
        "Licensing",
        ["Taxi licence"],
        "Apply for a taxi or private hire driver licence",
        "A taxi driver licence needs a DBS check, medical, knowledge test and driving test.",
        "taxi licence, hackney carriage, private hire driver, cab, driver badge, dbs, knowledge test",
        """To drive a hackney carriage (taxi) or private hire vehicle you need a **driver licence**
from us. You will need:

- an enhanced DBS check
- a medical from your GP (Group 2 standard)
- to pass our knowledge test and a driving assessment
- to have held a full driving licence for at least 12 months

A 3-year licence costs £245.""",
        "",
        PUBLIC,
    ),
    (
        "taxi-licence-renewal",
        "Licensing",
        ["Taxi licence"],
        "Renew a taxi or private hire licence",
        "Renew your taxi or private hire licence online at least 6 weeks before it expires.",
        "renew taxi licence, renewal, expiry, expired licence, badge renewal",
        """Apply to renew at least **6 weeks before** your licence expires. You cannot drive
licensed vehicles while your licence is expired.

Renewal needs a new DBS check every 6 months through the update service.""",
        "If a driver's licence expired less than 7 days ago, a team leader can accept a late renewal "
        "without a new knowledge test.",
        PUBLIC,
    ),
    (
        "premises-licence",
        "Licensing",
        ["Premises licence"],
        "Premises licence to sell alcohol or provide entertainment",
        "You need a premises licence to sell alcohol, serve hot food after 11pm or put on entertainment.",
        "premises licence, alcohol licence, pub, late night refreshment, entertainment, application",
        """You need a **premises licence** to sell alcohol, provide regulated entertainment or serve
hot food and drink between 11pm and 5am.

Apply online with an operating schedule and plan of the premises. You must advertise the
application for 28 days. Fees depend on the property's rateable value.""",
        "",
        PUBLIC,
    ),
    (
        "personal-licence",
        "Licensing",
        ["Premises licence"],
        "Personal licence to sell alcohol",
        "A personal licence lets you authorise alcohol sales. Apply online.",
        "personal licence, alcohol, designated premises supervisor, dps, aplh",
        """You need a **personal licence** to authorise the sale of alcohol at licensed premises.

You will need an accredited licensing qualification, a basic DBS check and two passport
photos. The licence costs £37 and does not expire.""",
        "",
        PUBLIC,
    ),
    (
        "temporary-event",
        "Licensing",
        ["Premises licence"],
        "Temporary event notice",
        "Give a temporary event notice 10 working days before an event with alcohol.",
        "temporary event notice, ten, event, party, alcohol at an event, one-off",
        """For a one-off event with alcohol or entertainment for up to **499 people**, give a
**temporary event notice (TEN)** at least 10 working days before the event.

It costs £21. The police and environmental health can object.""",
        "",
        PUBLIC,
    ),
    # --- Highways ------------------------------------------------------------------------------
    (
        "report-pothole",
        "Highways",
        ["Pothole"],
        "Report a pothole",
        "Report a pothole online with its location. Dangerous ones are made safe within 24 hours.",
        "pothole, road damage, hole in road, pavement, trip hazard, road defect",
        """Report potholes in roads and pavements online. Drop a pin on the map and add a photo.

- Dangerous potholes are made safe within **24 hours**.
- Others are repaired within 28 days.

Damage to your vehicle? You can make a claim online.""",
        "",
        PUBLIC,
    ),
    (
        "street-lights",
        "Highways",
        ["Street lighting"],
        "Report a street light that is not working",
        "Report a faulty street light online with the number on its post.",
        "street light, lamp post, light out, streetlight broken, flickering light",
        """Each street light has a number on its post. Report the number and the street online.

We fix most faults within **5 working days**. Faults needing the electricity company can take
longer.""",
        "",
        PUBLIC,
    ),
    (
        "abandoned-vehicle",
        "Highways",
        ["Abandoned vehicle"],
        "Report an abandoned vehicle",
        "Report an abandoned vehicle online. We inspect within 5 working days.",
        "abandoned car, abandoned vehicle, untaxed car, dumped car, burnt out car",
        """Tell us the make, colour, registration number and exact location.

We inspect within **5 working days**. An untaxed vehicle that is not abandoned should be
reported to the DVLA instead.""",
        "",
        PUBLIC,
    ),
    (
        "gritting",
        "Highways",
        ["Pothole"],
        "Gritting and winter roads",
        "We grit main roads and bus routes when frost or snow is forecast.",
        "gritting, grit bin, snow, ice, salt, winter roads, frost",
        """When frost or snow is forecast we grit main roads, bus routes and the roads to schools and
hospitals.

Grit bins are for public roads and pavements, not private drives. You can ask for a grit bin
to be refilled online.""",
        "",
        PUBLIC,
    ),
    # --- Housing ----------------------------------------------------------------------------------
    (
        "repairs",
        "Housing",
        ["Repair"],
        "Report a repair in your council home",
        "Council tenants can report repairs online. Emergencies: attended within 4 hours.",
        "repair, council house repair, leak, boiler, heating, broken, tenant repair",
        """Council tenants can report repairs online, or by phone for emergencies.

- **Emergency** (danger to health or property, e.g. no heating in winter, flooding): within 4 hours
- **Urgent**: within 5 working days
- **Routine**: within 28 days

Someone over 18 must be home for the appointment.""",
        "Out-of-hours emergencies go to the repairs contractor's line: 0300 123 9999.",
        PUBLIC,
    ),
    (
        "damp-mould",
        "Housing",
        ["Repair"],
        "Damp and mould in your home",
        "Report damp or mould in your council home: we inspect within 10 working days and fix the cause.",
        "damp, mould, condensation, black mould, wet walls, mildew",
        """Report damp and mould as soon as you see it. We inspect within **10 working days** and fix
the cause, not just the mould.

Until then: open windows, use extractor fans, dry clothes outside if you can, and wipe mould
with a mould spray.""",
        "Children under 5, pregnancy or respiratory illness in the household: book as urgent.",
        PUBLIC,
    ),
    (
        "pay-your-rent",
        "Housing",
        ["Rent enquiry"],
        "Pay your council rent",
        "Pay rent online, by Direct Debit, by phone or at a PayPoint. Rent is due every Monday.",
        "pay rent, rent payment, rent account, rent due, housing rent, arrears",
        """Rent is due **every Monday** in advance. You can pay online, by Direct Debit, by phone or
at a PayPoint with your rent card.

If you are struggling to pay, contact us early: we can agree a plan and help you claim the
benefits you are entitled to.""",
        "",
        PUBLIC,
    ),
    (
        "homeless-or-at-risk",
        "Housing",
        ["Homelessness"],
        "If you are homeless or about to lose your home",
        "Homeless or about to be? Call us now on 0300 123 4000. Out of hours: 0300 123 4001.",
        "homeless, eviction, section 21, nowhere to stay, sleeping rough, housing options",
        """If you are homeless tonight, call **0300 123 4000** (out of hours **0300 123 4001**).

If you have been given notice to leave, contact us straight away: the earlier we know, the more
we can do to help you stay or find a new home. Bring your notice and ID.""",
        "Treat as urgent. Transfer warm to Housing Options; never only signpost. Check for "
        "safeguarding concerns and record them.",
        PUBLIC,
    ),
    # --- Environmental Health ---------------------------------------------------------------
    (
        "noise",
        "Environmental Health",
        ["Noise"],
        "Report noise from a neighbour",
        "Report noise nuisance online and keep a diary of dates and times.",
        "noise, loud music, barking dog, neighbours, party, noise nuisance, alarm",
        """If you can, talk to your neighbour first. If that does not work, report it online.

Keep a **diary** of when the noise happens and how it affects you. We may ask you to record it
with our app or install monitoring equipment.""",
        "",
        PUBLIC,
    ),
    (
        "food-hygiene",
        "Environmental Health",
        ["Food hygiene"],
        "Food hygiene ratings and complaints",
        "Check a food business's hygiene rating online or report a concern to us.",
        "food hygiene, hygiene rating, food poisoning, restaurant, takeaway, dirty kitchen",
        """Every food business gets a **hygiene rating** from 0 to 5 after an inspection. Check any
business on the Food Standards Agency website.

If you think food made you ill or you saw poor hygiene, report it to us online.""",
        "",
        PUBLIC,
    ),
    # --- Planning -------------------------------------------------------------------------------
    (
        "planning-search",
        "Planning",
        ["Application enquiry"],
        "Check a planning application",
        "Search planning applications online by address or reference.",
        "planning application, planning search, decision, plans, reference, status of application",
        """Search the planning register online by address, street or reference number.

You can see the plans, comments and the decision. Most applications are decided within
**8 weeks**; major ones within 13 weeks.""",
        "",
        PUBLIC,
    ),
    (
        "planning-comments",
        "Planning",
        ["Comment on application"],
        "Comment on a planning application",
        "Comment on a planning application online within 21 days.",
        "comment on planning, object, objection, support application, neighbour notification",
        """You can comment on an application online within **21 days** of the neighbour letter or
the site notice.

Comments are public and must be about planning matters, such as overlooking, traffic or the
look of the area. We cannot consider loss of property value or private disputes.""",
        "",
        PUBLIC,
    ),
    (
        "planning-permission",
        "Planning",
        ["Application enquiry"],
        "Do I need planning permission?",
        "Many small extensions do not need planning permission. Check before you build.",
        "planning permission, extension, loft conversion, permitted development, fence, shed",
        """Many small projects are **permitted development** and do not need planning permission,
for example some rear extensions, loft conversions, sheds and fences under 2 metres.

Listed buildings and conservation areas have stricter rules. You can apply for a lawful
development certificate if you want to be sure.""",
        "",
        PUBLIC,
    ),
    # --- Staff guidance across services ----------------------------------------------------
    (
        "caller-in-crisis",
        None,
        [],
        "Caller at risk of harm (staff)",
        "Stay on the line, get the address, call 999 if life is at risk.",
        "suicide, self harm, crisis, threatening, safeguarding, risk to life, emergency",
        """1. **Stay on the line.** Stay calm and listen.
2. Get their **address** and a phone number.
3. If life is at immediate risk, call **999** and keep them talking.
4. Otherwise offer Samaritans (116 123) and record an assistance flag.
5. Tell your team leader straight after the call and record a sensitive note.""",
        "",
        STAFF,
    ),
    (
        "verification-policy",
        None,
        [],
        "Verifying callers before discussing accounts (staff)",
        "Verify before discussing any account: all security questions must pass.",
        "verification, security questions, data protection, third party, power of attorney",
        """- Never discuss balances, claims or licences until the caller has passed verification for
  that service.
- A **third party** (family, advocate) needs the account holder's consent recorded, or a power
  of attorney on file.
- After 3 wrong answers verification locks for 30 minutes: do not give hints.""",
        "",
        STAFF,
    ),
]

# Dynamic content blocks for the demo service accounts (faq.DynamicBlock).
BLOCKS = [
    (
        "Council tax balance and next instalment",
        "council_tax",
        "The balance on council tax account ((reference)) is ((balance)). The next instalment of "
        "((next_instalment_amount)) is due on ((next_instalment_date)), paid by "
        "((payment_method)).",
    ),
    (
        "Council tax band and discounts",
        "council_tax",
        "The property is in ((band)). Discounts and exemptions: ((discounts)). Recovery stage: "
        "((recovery_stage)).",
    ),
    (
        "Benefit claim status",
        "benefits",
        "The ((benefit)) claim ((reference)) is: ((claim_status)). The next payment of "
        "((next_payment_amount)) is due on ((next_payment_date)).",
    ),
    (
        "Licence status",
        "licence",
        "((licence_type)) ((reference)): ((licence_status)), expiring on ((expiry_date)). "
        "The renewal fee is ((renewal_fee)).",
    ),
    (
        "Rent account",
        "housing_rent",
        "Weekly rent is ((weekly_rent)); arrears on the account are ((balance)). Next rent due "
        "((next_payment_date)).",
    ),
]

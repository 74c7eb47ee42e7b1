"""The demo's stories: original text written for newsreader; every outlet, person, club and
company in it is invented. `_build.py` turns this into the feed files.

`hours_ago` counts back from BASE (the newest item of the whole demo is at 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

BASE = datetime(2025, 3, 18, 9, 40, tzinfo=UTC)


@dataclass
class Item:
    slug: str
    title: str
    author: str
    categories: list[str]
    hours_ago: float
    body: str
    path: str | None = None  # overrides the feed's path segment (e.g. "opinion")
    updated_after: float = 0  # hours after publication the item was updated (Atom/JSON)


@dataclass
class Feed:
    file: str
    fmt: str  # rss20 | rss10 | atom | json
    title: str
    domain: str
    description: str
    section: str
    tags: list[str]
    path: str = "news"
    feed_path: str = "feed.xml"
    tz: str = "+0000"  # or "GMT", "+0100", "-0500"
    guid_style: str = "permalink"  # or "opaque" (RSS 2.0 only)
    body_in: str = "content"  # RSS 2.0: "content" (content:encoded) or "description"
    items: list[Item] = field(default_factory=list)
    source_file: str = ""  # for the "most read" feed: the feed it ranks
    ranking: list[str] = field(default_factory=list)


I = Item  # noqa: E741  (short name keeps the story list readable)

FEEDS: list[Feed] = []

# The story lists keep one line per item header; the formatter would split each into eight.
# fmt: off
# --- The Meridian Wire: a news agency (Atom) ---------------------------------------------
FEEDS.append(
    Feed(
        file="meridian-wire.atom",
        fmt="atom",
        title="The Meridian Wire",
        domain="meridianwire.example",
        description="Fast, plain reporting from the Meridian news agency.",
        section="news",
        tags=["world"],
        path="wire",
        feed_path="atom.xml",
        items=[
            I("measles-cases-rise-cities", "Measles cases rise as vaccination rates dip in cities", "Hana Okafor", ["Health"], 1.0, """
Confirmed measles cases rose for a sixth consecutive week, with most new infections recorded in large cities where childhood vaccination rates have fallen below the level experts say is needed to stop outbreaks.

The public health agency said 214 cases had been confirmed since the start of the year, compared with 58 in the same period last year. Most involved children under ten who had not received both doses of the vaccine.

Clinics in the worst-affected areas will open in the evenings and at weekends from next week. Parents can check their children's records with their family doctor.
"""),
            I("rail-strike-called-off", "Rail strike called off after overnight talks", "Luca Brandt", ["Transport", "Business"], 2.0, """
A national rail strike planned for later this week has been called off after talks between the train drivers' union and operators ran through the night.

The union said an improved offer on pay and rest days would be put to members in a ballot. Operators said services would run to the normal timetable.

> "Nobody wanted to see passengers stranded. This offer is a basis for a settlement," the union's general secretary, Orla Finch, said as she left the talks shortly after 6am.

Passengers who bought tickets for alternative dates can claim a refund from the operator they booked with.
""", updated_after=0.5),
            I("chipmaker-plant-ai-servers", "Chipmaker to build plant as demand for AI servers grows", "Kenji Morales", ["Technology", "Business"], 4.0, """
Semiconductor maker Varro Microsystems will build a new packaging plant, the company said, citing demand for the advanced chips used in servers that train and run AI models.

The site is expected to employ about 1,400 people when it opens in three years. Varro did not disclose the cost, but analysts estimated it at several billion dollars.

The company's shares rose 6% in early trading.
"""),
            I("bird-flu-coastal-farms", "Bird flu detected at two coastal poultry farms", "Hana Okafor", ["Health", "Agriculture"], 6.0, """
Avian influenza has been confirmed at two poultry farms on the east coast, the agriculture ministry said, and a three-kilometre protection zone has been set up around each site.

About 38,000 birds will be culled. Officials said the risk to the public remained very low and that properly cooked poultry and eggs were safe to eat.

Keepers of backyard flocks within ten kilometres have been told to house their birds and report any signs of illness.
"""),
            I("parliament-ticket-resale-cap", "Parliament passes bill to cap ticket resale prices", "Sofia Lindqvist", ["Politics", "Consumer"], 8.0, """
Lawmakers passed a bill limiting the resale of concert, theatre and sports tickets to no more than 10% above face value, after a long campaign by fans and artists.

The law also requires resale platforms to show the original price, the seat number and the seller's identity. Platforms that break the rules face fines of up to 4% of their turnover.

The bill passed by 341 votes to 112 and is expected to take effect in the autumn.
"""),
            I("glacier-retreat-survey", "Glacier retreat survey finds alpine ice loss accelerating", "Priya Raman", ["Science", "Environment"], 11.0, """
Alpine glaciers lost ice faster last year than in any year since measurements began, according to an annual survey by a network of mountain research stations.

The survey found that the average glacier thinned by 2.9 metres, well above the long-term average. Researchers blamed a snow-poor winter followed by a long, warm summer.

![A researcher drills a stake into a grey, debris-covered glacier tongue](https://meridianwire.example/media/glacier-survey.jpg)

Several small glaciers in the eastern ranges are expected to disappear entirely within a decade, the report said.
"""),
            I("wind-farm-consortium-licence", "Wind farm consortium wins offshore licence round", "Luca Brandt", ["Energy", "Business"], 13.0, """
A consortium led by utility Nordhavn Energy won the largest share of seabed in the latest offshore wind licensing round, the energy regulator said.

The group will be allowed to develop up to 3 gigawatts of turbines, enough to supply roughly three million homes, at a site 60 kilometres offshore.

Construction is not expected to begin before the end of the decade.
"""),
            I("pellet-library-flaw", "Critical flaw in Pellet compression library puts millions of devices at risk", "Kenji Morales", ["Technology", "Security"], 15.0, """
A critical security flaw has been found in Pellet, a small open-source compression library built into routers, smart televisions and industrial equipment, its maintainers said.

The bug allows a specially crafted file to overwrite memory and, in some cases, run code on the device. A fixed version, 2.8.4, was released alongside the disclosure.

Security researchers said the main challenge would be getting the fix onto devices that rarely receive updates. Several large router makers said patches were in preparation.
"""),
            I("shipping-rates-ease-canal", "Global shipping rates ease as canal traffic recovers", "Sofia Lindqvist", ["Economy", "Trade"], 17.0, """
The cost of shipping a container between Asia and Europe fell for a fourth week as traffic through a key canal returned towards normal levels, freight data showed.

Spot rates dropped 9% over the week, according to a widely watched index. Traders said more ships were choosing the shorter route again after months of diversions.
"""),
            I("kestrel-probe-lands-enceladus", "Kestrel probe lands on Saturn moon Enceladus", "Priya Raman", ["Science", "Space"], 19.5, """
The Kestrel probe has landed on Enceladus, an icy moon of Saturn, becoming the first spacecraft to touch down on a world in the outer solar system with a known liquid ocean.

Mission controllers received confirmation of the landing about 80 minutes after it happened, the time a radio signal takes to travel from Saturn to Earth.

> "We are down, we are stable, and we are talking to Earth," flight director Amara Voss told staff at the control centre.

The lander will spend at least six months sampling ice near the moon's south pole, where jets of water vapour rise from cracks in the surface.
""", updated_after=1.5),
            I("orchestra-strike-ends", "Orchestra strike ends as musicians accept new contract", "Elif Sarac", ["Culture"], 22.0, """
Musicians at the National Symphony Orchestra voted to accept a new three-year contract, ending a strike that had cancelled eleven concerts.

The deal includes a 12% pay rise over three years and limits on the number of unpaid rehearsals. Performances resume with a concert on Friday.
"""),
            I("central-bank-cuts-rates", "Central bank cuts interest rates to 3.5%", "Sofia Lindqvist", ["Economy", "Markets"], 25.8, """
The central bank cut its main interest rate by a quarter of a percentage point to 3.5%, its first reduction in almost two years, saying inflation was now close to its target.

Seven of the nine members of the rate-setting committee voted for the cut, while two preferred to wait.

The bank's governor said further reductions were likely to be gradual:

> "We have made progress, but the job is not done. We will move carefully."

The currency weakened slightly after the announcement and government bond yields fell.
"""),
            I("ashby-rovers-win-cup-final", "Second-tier Ashby Rovers beat Kingsport City to win cup final", "Dario Venn", ["Sport", "Football"], 29.5, """
Ashby Rovers, who play in the second tier, beat top-flight Kingsport City 2-1 to win the cup final, the club's first major trophy in its 131-year history.

Captain Jonah Mbeki scored the winner with eight minutes left after Kingsport had equalised early in the second half.

Kingsport, who had won the competition four times in the past decade, had a late penalty appeal turned down.
"""),
            I("census-over-80s-growth", "Census shows fastest growth in over-80s population on record", "Elif Sarac", ["Society"], 31.0, """
The number of people aged 80 and over grew faster in the past decade than in any period since records began, the first results from the national census show.

There are now 3.4 million people in that age group, up 24% in ten years. The census also recorded a small fall in the number of children under five.

Charities said the figures showed the need for long-term plans for social care.
"""),
            I("marathon-world-record-windless", "Marathon world record falls in windless conditions", "Dario Venn", ["Sport", "Athletics"], 34.0, """
Distance runner Tesfaye Alemu broke the men's marathon world record by 19 seconds, finishing in 2:00:16 on a cool, windless morning.

Alemu ran the second half faster than the first and was alone for the last twelve kilometres. Organisers said the course would be re-measured to confirm the record, as is usual.
"""),
        ],
    )
)

# --- Harbour Gazette: the local paper of a small port town (RSS 2.0) ---------------------
FEEDS.append(
    Feed(
        file="harbour-gazette.xml",
        fmt="rss20",
        title="Harbour Gazette",
        domain="harbourgazette.example",
        description="News from Saltby and the harbour coast since 1887.",
        section="news",
        tags=["local"],
        tz="GMT",
        items=[
            I("coastguard-rescues-kayakers-gull-point", "Coastguard rescues two kayakers off Gull Point", "Tom Ellery", ["Local", "Emergency"], 0.0, """
Two kayakers were rescued off Gull Point this morning after one of their boats capsized in a strong ebb tide.

The Saltby coastguard team and the inshore lifeboat were called just before 8am by a walker who saw the pair clinging to an upturned kayak. Both were brought ashore, checked by paramedics and did not need hospital treatment.

Station officer Ruth Penhale said they had done the right thing by staying with their boat:

> "Float, stay with your craft and call for help. They were cold but they kept calm, and that made our job much easier."

In an emergency at sea or on the coast, call 999 and ask for the coastguard.
"""),
            I("cafe-owners-bridge-closure", "Cafe owners fear bridge closure will hit trade", "Megan Hollis", ["Local", "Business"], 3.5, """
Traders on the east side of the harbour say a planned four-month closure of the swing bridge could cost them a third of their takings.

The county council is to replace the bridge's worn turning mechanism from next month. Pedestrians will be able to cross on a temporary footbridge, but vehicles face a six-mile detour.

- The footbridge will be open from 6am to 10pm.
- A free shuttle bus will run every 20 minutes on weekends.
- Businesses can apply for a one-off hardship grant of up to £2,000.

"It's the right work, it's just the wrong season," said Jo Pascoe, who runs the Quayside Kitchen.
"""),
            I("hosepipe-ban-reservoir-record-low", "Hosepipe ban announced as reservoir levels fall to record low", "Megan Hollis", ["Local", "Environment"], 8.0, """
A hosepipe ban will come into force across Saltby and the harbour coast from Friday after levels at Carrow reservoir fell to the lowest on record for this time of year.

Coastline Water said the reservoir was at 41% of capacity, against a usual level of about 70%. Rainfall over the past six months has been just over half the average.

The ban covers watering gardens and allotments with a hosepipe, washing cars and filling paddling pools and ponds. Watering cans, and hosepipes connected to water butts, are still allowed.

The company said it was also fixing leaks faster and had added twelve repair crews.
"""),
            I("letters-ferry-parking-lost-cat", "Letters: the ferry contract, parking and a lost cat", "Readers", ["Opinion", "Letters"], 9.0, """
**A costly crossing.** So the new ferry contract has run £3m over budget before a single boat has been ordered. Those of us who remember the last "temporary" ferry, which ran for eleven years, will not be surprised. *Alan Treharne, Saltby*

**Spaces for residents.** The council's plan to charge for parking on Fore Street ignores the fact that most of the houses there have no driveway. Residents should get a permit at a fair price. *Gwen Rowe, Upper Town*

**Found: one ginger cat.** Thank you to the reader who returned Marmalade after he spent three days on a trawler. He is now banned from the quay. *The Pollard family*

Write to us at letters@harbourgazette.example. Letters may be shortened.
""", path="opinion"),
            I("council-probe-ferry-contract", "Council launches probe into ferry contract overspend", "Tom Ellery", ["Local", "Politics"], 12.0, """
The county council has ordered an independent review of the Saltby ferry replacement contract after costs rose by £3m before any work began.

Council leader Daniel Ashworth said the review would look at how the contract was awarded and why design costs had nearly doubled. It is due to report in eight weeks.

Opposition councillors called for the project to be paused until the review is finished. The current ferry, built in 1994, will keep running in the meantime.
"""),
            I("harbour-road-roadworks", "Roadworks on Harbour Road to last six weeks", "Tom Ellery", ["Local", "Transport"], 16.0, """
Temporary traffic lights will be in place on Harbour Road for six weeks from Monday while a gas main is replaced.

The works will move along the road in stages. Bus route 3 will be diverted via Chapel Hill. Access to the fish market and the lifeboat station will be kept open at all times.
"""),
            I("fish-market-new-quayside-hall", "Fish market moves to new quayside hall", "Megan Hollis", ["Local", "Business"], 20.0, """
Saltby's fish market held its first auction in its new hall on the north quay, ending 60 years in the old corrugated-iron shed.

The £4.2m building has chilled storage, a public viewing gallery and space for a small cafe. Skippers said the new landing bays would cut the time it takes to unload a catch by half.

![Buyers in white coats gather around boxes of fish in a bright new market hall](https://harbourgazette.example/media/fish-market-hall.jpg)

The old shed will be demolished later this year to make room for boat repair yards.
"""),
            I("kestrel-probe-lands-enceladus-saltby-engineers", "Harbour engineers cheer as Kestrel probe lands on Enceladus", "Megan Hollis", ["Local", "Science"], 6.0, """
Engineers at a Saltby firm cheered yesterday as the Kestrel probe they helped build landed safely on Enceladus, a moon of Saturn.

Penwith Precision, which employs 46 people on the industrial estate, designed and built the lander's sampling arm, which will scoop ice from the moon's surface and pass it to onboard instruments.

"Eight years of work came down to a few minutes," said managing director Claire Bosanko. "When the signal came through, the whole room went up."

The firm said the arm would be tested for the first time later this week.
"""),
            I("primary-school-coding-award", "Primary school wins national coding award", "Tom Ellery", ["Local", "Education"], 24.0, """
Pupils at Chapel Hill Primary have won a national award for a program that counts seabirds from photographs taken by a camera on the harbour wall.

The Year 6 team beat more than 300 schools in the competition. Their teacher, Sam Kerr, said the project started when pupils noticed fewer gulls on the quay.
"""),
            I("maritime-museum-reopens-restoration", "Maritime museum reopens after three-year restoration", "Megan Hollis", ["Local", "Culture"], 27.0, """
The Saltby Maritime Museum reopened to the public after a three-year restoration that repaired its Victorian sail loft and doubled its gallery space.

Visitors queued along the quay before the doors opened at 10am. The museum's new galleries cover the town's pilchard fishery, its lifeboat crews and the whaling voyages that set out from the harbour in the 18th century.

Entry remains free. The museum is open every day except Monday.
"""),
            I("sea-scouts-centenary-tall-ship", "Saltby Sea Scouts celebrate centenary with tall ship visit", "Tom Ellery", ["Local", "Community"], 30.0, """
The 1st Saltby Sea Scouts marked their hundredth year with a visit from the training ship *Morwenna*, which moored in the outer harbour for the weekend.

More than 200 former scouts came back for a reunion dinner. The group's oldest former member, 96-year-old Percy Trevail, joined in 1938.
"""),
            I("lifeboat-named-retired-coxswain", "Lifeboat crew's new boat named after retired coxswain", "Megan Hollis", ["Local"], 40.0, """
Saltby's new all-weather lifeboat will be named *Jean Carne* after the station's first woman coxswain, who retired last year after 31 years on the crew.

The boat arrives in the summer. Carne said she was "speechless, which doesn't happen often".
"""),
        ],
    )
)

# --- Northfield Ledger: business and money (RSS 2.0, opaque guids) -----------------------
FEEDS.append(
    Feed(
        file="northfield-ledger.rss",
        fmt="rss20",
        title="Northfield Ledger",
        domain="northfieldledger.example",
        description="Business, markets and personal finance.",
        section="news",
        tags=["business"],
        path="business",
        feed_path="rss",
        guid_style="opaque",
        items=[
            I("pub-chains-bank-holiday-trading", "Pub chains' shares rise after strong bank holiday trading", "Nadia Farrow", ["Markets", "Retail"], 5.0, """
Shares in listed pub groups rose after two of the largest chains said sales over the long bank holiday weekend had beaten expectations.

Brannock Inns said like-for-like sales were up 7% on last year, helped by dry weather and a busy sporting calendar. Rival Crown & Kettle reported a 5% rise.

Analysts cautioned that higher wage and energy bills would still squeeze margins later in the year.
"""),
            I("bond-market-shrugged-rate-cut", "Analysis: why the bond market shrugged off the rate cut", "Oliver Stanmore", ["Analysis", "Markets"], 7.0, """
The central bank's first rate cut in almost two years produced a surprisingly small reaction in the bond market. The reason is simple: traders had seen it coming for weeks.

By the time the decision was announced, futures markets had priced in a better than 90% chance of a quarter-point cut. What moved prices was not the cut itself but the governor's careful language about what comes next.

Three things to watch before the next meeting:

1. Wage growth, which has been slowing but remains above 4%.
2. Services inflation, the part of the index the bank watches most closely.
3. The currency, which a faster pace of cuts could weaken.

If all three keep cooling, the market expects two more cuts this year. If not, the bank may pause.
""", path="analysis"),
            I("house-prices-flat-second-month", "House prices flat for second month, lender says", "Nadia Farrow", ["Property"], 9.0, """
House prices were unchanged last month, according to the country's largest mortgage lender, the second month in a row with no growth.

The average price stands at £287,400, 1.8% higher than a year earlier. The lender said buyers were waiting to see whether borrowing costs would fall further.
"""),
            I("battery-recycling-startup-raises", "Start-up behind battery recycling plant raises £25m", "Ravi Dhillon", ["Technology", "Investment"], 13.0, """
Cobaltline, a start-up that recovers lithium, nickel and cobalt from used electric car batteries, has raised £25m to build its first commercial plant.

The company says its process uses less energy than smelting and recovers more than 90% of the metals. The plant, on a former steelworks site, is expected to process 10,000 tonnes of batteries a year.
"""),
            I("shipping-costs-ease-canal-traffic", "Shipping costs ease for importers as canal traffic recovers", "Ravi Dhillon", ["Trade", "Economy"], 16.0, """
Importers are paying less to bring goods from Asia as container ships return to the canal route, cutting journeys by up to two weeks.

A furniture importer in the city said the cost of a 40-foot container had fallen from about $7,800 at its peak to under $3,500. Retailers said lower freight costs would take a few months to reach shop prices.
"""),
            I("hollins-tate-takeover", "Brewer Hollins & Tate agrees £40m takeover", "Nadia Farrow", ["Deals", "Food and drink"], 19.0, """
Family-owned brewer Hollins & Tate has agreed to be bought by Dutch drinks group Van Meeren for £40m, ending 140 years of independence.

The buyer said it would keep the brewery open and the 180 staff employed, and would use its distribution network to sell Hollins & Tate's ales abroad.
"""),
            I("rate-cut-mortgage", "What the rate cut means for your mortgage", "Oliver Stanmore", ["Personal finance", "Property"], 23.0, """
The central bank's quarter-point cut will reach household budgets at different speeds, depending on the kind of mortgage you have.

- **Tracker mortgages** follow the bank rate, so payments should fall from next month: about £15 a month less on a £200,000 loan.
- **Variable-rate mortgages** are set by lenders, who do not have to pass on the cut in full.
- **Fixed-rate mortgages** do not change until the deal ends, but new fixed deals have already become slightly cheaper.

Savers, meanwhile, should expect easy-access rates to drift down. Use our [savings rate tables](https://northfieldledger.example/money/savings-rates) to compare accounts.
""", path="money"),
            I("central-bank-quarter-point-cut", "Central bank cuts interest rates by a quarter point to 3.5%", "Oliver Stanmore", ["Economy", "Markets"], 25.5, """
The central bank lowered interest rates to 3.5% from 3.75%, its first cut in almost two years, as inflation fell to 2.3%.

The decision was widely expected. The rate-setting committee voted seven to two, with the two dissenters arguing that wage growth was still too strong.

![A chart showing the bank rate rising steeply over three years and now beginning to fall](https://northfieldledger.example/media/bank-rate-chart.png)

The governor said the committee would take "a gradual approach" to further cuts and would watch services prices closely.
"""),
            I("wage-growth-slows", "Wage growth slows to 4.1% as jobs market cools", "Ravi Dhillon", ["Economy", "Jobs"], 28.0, """
Average pay growth slowed to 4.1% in the three months to January, official figures show, the lowest rate in more than two years.

The number of job vacancies fell for the eleventh quarter in a row, while unemployment edged up to 4.6%.
"""),
            I("retail-sales-third-month", "Retail sales rise for third month as shoppers return", "Nadia Farrow", ["Retail", "Economy"], 30.0, """
Retail sales volumes rose 0.6% last month, the third monthly increase in a row, led by clothing and garden centres.

Online sales were flat. Retailers said shoppers were more confident as price rises slowed.
"""),
            I("airline-winter-routes", "Airline adds winter routes as bookings recover", "Ravi Dhillon", ["Travel", "Business"], 35.0, """
Regional carrier Skerry Air will add eight winter routes to ski resorts and the Canary Islands after bookings returned to pre-pandemic levels.

The airline said it would lease four more aircraft and recruit 120 cabin crew.
"""),
        ],
    )
)

# --- Quill & Circuit: a technology blog (Atom, /blog/ links, code blocks) -----------------
FEEDS.append(
    Feed(
        file="quill-and-circuit.atom",
        fmt="atom",
        title="Quill & Circuit",
        domain="quillandcircuit.example",
        description="Notes on software, hardware and the people who make them.",
        section="news",
        tags=["tech"],
        path="blog",
        tz="+0100",
        items=[
            I("chipmaker-plant-ai-hardware-supply", "Chipmaker's new plant: what it means for AI hardware supply", "Ada Wren", ["Hardware", "AI"], 3.0, """
Varro's new plant will not make chips. It will package them, and that is exactly where the bottleneck has been.

Modern AI accelerators are built from several pieces of silicon stacked and wired together on a shared base. The factories that do this "advanced packaging" are few, and most of their capacity is booked years ahead.

A new plant helps, but not soon: the first lines are due in three years. Until then, expect server prices to stay high and lead times long.
"""),
            I("interview-pellet-maintainer", "Interview: the maintainer who kept Pellet alive for twelve years", "Ada Wren", ["Interview", "Open source"], 5.0, """
Marit Solberg has maintained Pellet, the tiny compression library at the centre of this week's security scare, in her evenings since 2013. We talked about the bug, the week she has had, and who pays for the software everyone uses.

**How did you hear about the bug?** A researcher emailed me a crash file three weeks ago. I had a fix the next day. The rest of the time went into talking to device makers.

**Are you paid for this?** Since last year a foundation pays for four hours a week. Before that, nothing.

> "Millions of devices run my code. Two people have ever offered to help review it."

**What would help?** Reviewers, and companies that ship Pellet telling me they do. I found out about most of them from the news.
""", updated_after=2),
            I("kestrel-lander-flight-software", "The Kestrel lander's flight software, explained", "Felix Ambrose", ["Space", "Software"], 10.0, """
A radio signal takes about 80 minutes to get from Earth to Saturn, so nobody could steer Kestrel down to the ice. Its software had to do it alone. The mission team has published a paper describing how.

The descent was run by a small state machine with about a dozen states, each with strict entry and exit conditions. Here is the idea, much simplified:

```python
def step(state, sensors):
    if state == "braking" and sensors.altitude_m < 2000:
        return "hazard_scan"
    if state == "hazard_scan" and sensors.safe_site is not None:
        return "terminal_descent"
    if state == "terminal_descent" and sensors.contact:
        return "landed"
    return state
```

The clever part is the hazard scan: a laser altimeter maps the surface below, and the lander picks the flattest patch within reach of its remaining fuel. The team ran the software through more than 40,000 simulated landings before launch.
"""),
            I("pellet-flaw-what-to-patch", "Pellet compression library flaw: what to patch today", "Felix Ambrose", ["Security", "Open source"], 14.0, """
The Pellet bug is serious, but for most readers the fix is simple: update the software that bundles it. Here is what to do, in order.

1. **Your computer and phone.** Install pending system updates. Major operating systems ship Pellet as part of their image libraries and are releasing fixes.
2. **Your router.** Check the maker's support page for a new firmware. If your router is more than five years old, it may never get one.
3. **Your own code.** If you depend on Pellet directly, move to 2.8.4 or later.

To check which version a Python environment links against:

```bash
python -c "import pellet; print(pellet.__version__)"
pip install --upgrade "pellet>=2.8.4"
```

The maintainers' [advisory](https://pellet.example/security/2025-01) has the full list of affected versions.
"""),
            I("rss-never-went-away", "RSS never went away", "Ada Wren", ["Opinion", "Web"], 20.0, """
Every year someone declares that RSS is dead, and every year more podcasts, blogs and news sites quietly publish feeds.

The case for it has not changed: a feed lets you follow a site without an account, without an algorithm deciding what you see, and without handing your reading habits to anyone. It is the web's oldest subscription button, and it still works.

What has changed is the readers. There are now good ones for every platform, including the terminal. If you have not tried one for a few years, try again.
"""),
            I("terminal-apps-having-a-moment", "Terminal apps are having a moment", "Felix Ambrose", ["Opinion", "Software"], 26.0, """
A decade ago, building a new terminal application felt like a hobby for the stubborn. Now there are frameworks with layouts, stylesheets and mouse support, and people are shipping polished tools with them.

Part of the appeal is speed: a terminal app starts instantly and works over any remote connection. Part of it is focus. There are no notifications and no ads, just the task.

It will not replace the browser. It does not have to.
"""),
            I("property-based-testing-introduction", "A gentle introduction to property-based testing", "Ada Wren", ["Testing", "Python"], 30.0, """
Example-based tests check the cases you thought of. Property-based tests check the ones you did not, by generating hundreds of inputs and checking that a rule always holds.

Take a function that shortens text to a maximum length. Whatever the input, the output should never be longer than the limit:

```python
from hypothesis import given, strategies as st

@given(st.text(), st.integers(min_value=1, max_value=200))
def test_shorten_never_exceeds_limit(text, limit):
    assert len(shorten(text, limit)) <= limit
```

When a property fails, the library shrinks the input to the smallest example that still breaks it, which is usually the bug report you wanted.
"""),
            I("build-cache-sqlite", "Why we moved our build cache to SQLite", "Felix Ambrose", ["Software", "Databases"], 40.0, """
Our build cache used to be a directory with 2 million small files. Listing it took longer than some builds. We moved it into a single SQLite database and the slowest cache lookups went from seconds to milliseconds.

The schema is almost embarrassingly small:

```sql
CREATE TABLE cache (
    key      TEXT PRIMARY KEY,
    value    BLOB NOT NULL,
    used_at  INTEGER NOT NULL
);
CREATE INDEX cache_used_at ON cache (used_at);
```

Two settings mattered most: write-ahead logging, so readers never wait for writers, and a busy timeout, so concurrent builds retry instead of failing.
"""),
            I("week-without-smartphone", "Notes from a week without a smartphone", "Ada Wren", ["Opinion", "Life"], 50.0, """
I put my phone in a drawer for seven days. I missed maps the most and social media the least.

The surprise was how much of my day the phone had been filling: queues, kettles, the two minutes before a meeting. By day four, I had started carrying a paperback again.
"""),
            I("benchmarking-json-parsers-python", "Benchmarking JSON parsers in Python", "Felix Ambrose", ["Python", "Performance"], 60.0, """
We timed four JSON libraries on the same 120 MB file of API responses. The standard library was the slowest, but only by about three times, and it has no dependencies.

```python
import json, time

start = time.perf_counter()
with open("responses.json", "rb") as f:
    data = json.load(f)
print(f"{time.perf_counter() - start:.2f} s")
```

Our advice: measure with your own data before switching. For most programs, parsing is not the slow part.
"""),
        ],
    )
)

# --- The Long Table: opinion and columns (JSON Feed) --------------------------------------
FEEDS.append(
    Feed(
        file="the-long-table.json",
        fmt="json",
        title="The Long Table",
        domain="thelongtable.example",
        description="Columns, arguments and second thoughts.",
        section="opinion",
        tags=["opinion"],
        path="opinion",
        feed_path="feed.json",
        items=[
            I("hosepipe-bans-symptom-not-leak", "Hosepipe bans treat the symptom, not the leak", "Imogen Barlow", ["Opinion", "Environment"], 2.0, """
Every dry year brings the same ritual. Reservoirs fall, a water company announces a ban, and households are asked to stop watering their roses.

Meanwhile, roughly a fifth of the water put into the network leaks out of it before it reaches a tap. No ban on paddling pools will make up for that.

Restrictions have their place in a drought. But they should come with something in return: a public, dated plan to fix the pipes, and penalties that hurt when it is missed.
"""),
            I("rate-cut-too-late", "The rate cut came too late for the people who needed it", "Samuel Achebe", ["Opinion", "Economy"], 4.0, """
The central bank will be pleased with itself. Inflation is nearly back to target, and it has begun to lower rates without spooking anyone.

But the people who paid for that success are not in the bank's models. They are the families who came off cheap fixed-rate mortgages at the worst moment, the small firms that stopped hiring, the renters whose landlords passed on every rise.

A quarter point will not undo two years of that. The least the bank can do is admit that its caution had a cost, and say who bore it.
"""),
            I("touts-outrun-resale-cap", "Touts will outrun a resale cap unless platforms are made to act", "Imogen Barlow", ["Opinion", "Consumer"], 7.0, """
The new law capping resale prices is welcome, and long overdue. It will not, on its own, stop fans being fleeced.

Touts have always been quicker than regulators. Unless platforms are made to check sellers' identities and report bulk buyers, the trade will simply move to private groups and messaging apps where no cap applies.
"""),
            I("keep-sending-robots-icy-moons", "Why we should keep sending robots to icy moons", "Leo Marchetti", ["Opinion", "Science"], 12.0, """
It is easy to ask what a lander on a distant moon is for, when it cost as much as a hospital.

Here is one answer. Enceladus has liquid water, energy and the chemistry life needs. If we find even simple life there, we learn that biology is common in the universe. If we find none, we learn something almost as important.

Few questions are bigger, and few missions are cheaper per citizen. Keep sending them.
"""),
            I("giant-killing-protect-it", "Giant-killing is football's best advert. Protect it", "Leo Marchetti", ["Opinion", "Sport"], 18.0, """
Ashby Rovers' victory will be replayed for years, and rightly so. But before the romance fades, the game's rulers should ask why it is now so rare.

Money at the top has pulled the leagues apart. A cup run is the one place a small club can still earn a fortune in a season. Protect the competition, share its income more fairly, and there will be more nights like this one.
"""),
            I("census-who-cares-for-carers", "What the census tells us about who will care for the carers", "Samuel Achebe", ["Opinion", "Society"], 24.0, """
The census headline is that we are living longer. The story underneath is that more of us are caring for someone, often while working, often unpaid, and often while getting older ourselves.

A country with 3.4 million people over 80 needs a plan for social care that lasts longer than a parliament. It has needed one for twenty years.
"""),
            I("defence-of-boring-high-street", "In defence of the boring high street", "Imogen Barlow", ["Opinion", "Cities"], 28.0, """
Planners keep trying to make high streets exciting, with pop-up markets, light shows and "experiences". What most people want is dull: a chemist, a post office, a bench and a bus stop.

The high streets that survive will be the useful ones.
"""),
            I("ferries-not-feasibility-studies", "Our towns need ferries, not more feasibility studies", "Leo Marchetti", ["Opinion", "Transport"], 33.0, """
In coastal towns, a ferry is not a tourist attraction. It is the road to work, to school and to hospital.

Yet replacing one seems to take a decade of studies, reviews and consultations. The boats, meanwhile, keep getting older. Councils should build to a standard design, share it, and start ordering.
"""),
            I("quiet-joy-library-card", "The quiet joy of the library card", "Samuel Achebe", ["Column", "Culture"], 45.0, """
I renewed my library card this week and was handed, for free, access to thousands of books, a warm room, a printer and a librarian who knew exactly what I meant by "that blue novel about the lighthouse".

There is no other deal like it. Use it, or we will lose it.
"""),
        ],
    )
)

# --- Orbit & Field: science news (JSON Feed) ----------------------------------------------
FEEDS.append(
    Feed(
        file="orbit-and-field.json",
        fmt="json",
        title="Orbit & Field",
        domain="orbitandfield.example",
        description="Science news from space to soil.",
        section="news",
        tags=["science"],
        path="science",
        feed_path="feed.json",
        tz="+0100",
        items=[
            I("interview-amara-voss-kestrel-ice", "Interview: Amara Voss, who taught Kestrel to touch down on ice", "Noor Haddad", ["Interview", "Space"], 2.0, """
Dr Amara Voss led the team that wrote Kestrel's landing software. We spoke to her a day after the probe touched down on Enceladus.

**What was the hardest part?** We had never seen the landing site up close. The software had to find a safe spot on its own, in about forty seconds.

**Were you nervous?** For eighty minutes we knew the outcome had already happened and we could not know it yet. That is a strange kind of nervous.

> "Ice is not like rock. It can be soft, or hollow, or as hard as concrete. We designed the legs for all three."

**What next?** Drilling. The first sample is planned for next week.
"""),
            I("drought-reservoirs-running-low", "Why reservoirs are running low: a drought explainer", "Marcus Lowe", ["Environment", "Explainer"], 4.0, """
Reservoirs are filled mainly by winter rain. When two dry winters come in a row, they start the summer already low, and a warm spring makes it worse.

Three things decide how fast levels fall:

- **Rainfall**, especially between October and March.
- **Evaporation**, which rises quickly with temperature.
- **Demand**, which can jump by a third in a hot week.

Groundwater, which supplies much of the south and east, responds more slowly. It can stay low for a year after the rain returns.
"""),
            I("bird-flu-farm-cases-wild-birds", "Bird flu: what the farm cases mean for wild birds", "Noor Haddad", ["Health", "Nature"], 5.0, """
The two outbreaks on coastal poultry farms have raised concern among conservationists, who fear the virus is circulating again in wild seabirds.

Ornithologists have asked the public to report dead birds rather than touch them. Gulls, terns and gannets were badly hit in previous outbreaks.
"""),
            I("kestrel-enceladus-plumes", "What Kestrel will look for in Enceladus' plumes", "Marcus Lowe", ["Space", "Explainer"], 9.0, """
Now that Kestrel is down, its science begins. The lander carries four instruments, and each is aimed at one question: could the ocean under the ice support life?

- A mass spectrometer will measure the molecules in fresh ice.
- A microscope will look for structures a few thousandths of a millimetre across.
- A seismometer will listen to the ice shell flex as the moon orbits Saturn.
- A camera will watch the jets rising from nearby cracks.

None of them can detect life directly. Together, they can tell us whether the ingredients are there.
"""),
            I("alpine-glaciers-record-ice-loss", "Alpine glaciers lost record ice volume last year, survey finds", "Noor Haddad", ["Climate", "Environment"], 10.0, """
Glaciers in the Alps lost more ice last year than in any year on record, according to a survey that measures hundreds of them each autumn.

The average glacier surface dropped by almost three metres. Researchers said dust from distant deserts, which darkens the snow and makes it melt faster, played a part alongside the heat.

![Two photographs of the same valley, one with a long white glacier, the other with bare grey rock](https://orbitandfield.example/media/glacier-then-now.jpg)

"We are measuring glaciers that will not exist when my students retire," said survey coordinator Dr Jonas Keller.
"""),
            I("battery-chemistry-charge-cycles", "New battery chemistry survives 10,000 charge cycles in lab tests", "Marcus Lowe", ["Technology", "Energy"], 15.0, """
A sodium-based battery developed at a university lab kept more than 80% of its capacity after 10,000 charging cycles, about three times more than a typical phone battery.

The cells store less energy for their weight than lithium batteries, so they suit grid storage better than cars. The team is working with a manufacturer to make larger cells.
"""),
            I("kestrel-probe-lands-enceladus-first-signals", "Kestrel probe lands on Enceladus as first signals reach Earth", "Marcus Lowe", ["Space", "Planetary science"], 18.0, """
The Kestrel probe touched down near the south pole of Enceladus, and its first signals reached Earth 80 minutes later, confirming that the lander was upright and had power.

The landing was the riskiest part of a seven-year mission. Nobody knew in advance whether the surface would be hard ice, soft snow or something in between.

The first image, released this morning, shows a rippled white plain under a black sky, with Saturn low on the horizon.

![A grainy black and white image of a rippled icy plain with a ringed planet on the horizon](https://orbitandfield.example/media/kestrel-first-image.jpg)
""", updated_after=3),
            I("ancient-seeds-sprout", "Ancient seeds sprout after 1,600 years in a clay jar", "Noor Haddad", ["Biology", "Archaeology"], 22.0, """
Date palm seeds found in a sealed clay jar during an excavation have germinated, producing healthy seedlings, botanists report.

Radiocarbon dating puts the seeds at about 1,600 years old. The researchers hope to grow the trees to maturity and compare their fruit with modern varieties.
"""),
            I("octopus-sleep-two-stages", "Octopuses 'dream' in two stages, sleep study suggests", "Marcus Lowe", ["Biology"], 30.0, """
Sleeping octopuses switch between a quiet stage and a brief "active" stage in which their skin flashes with colour patterns, a study has found.

The researchers say the active stage resembles dreaming in mammals, but caution that nobody knows what, if anything, an octopus experiences.
"""),
            I("citizen-scientists-comet-outburst", "Citizen scientists spot rare comet outburst", "Noor Haddad", ["Astronomy"], 36.0, """
Amateur astronomers noticed a faint comet brighten a hundredfold in a single night, an outburst thought to be caused by a pocket of ice vaporising under its surface.

The comet is now visible in binoculars from dark sites, low in the western sky after sunset.
"""),
        ],
    )
)

# --- Touchline Daily: sport (RSS 2.0, body escaped in <description>) ---------------------
FEEDS.append(
    Feed(
        file="touchline-daily.xml",
        fmt="rss20",
        title="Touchline Daily",
        domain="touchlinedaily.example",
        description="Football, cricket, rugby and everything in between.",
        section="news",
        tags=["sport"],
        path="sport",
        feed_path="rss/all.xml",
        tz="+0000",
        body_in="description",
        items=[
            I("tennis-mara-quist-first-final", "Tennis: teenager Mara Quist reaches first tour final", "Callum Reyes", ["Tennis"], 4.0, """
Seventeen-year-old Mara Quist reached her first professional final with a 6-4 7-5 win over the second seed.

Quist, ranked 212th a year ago, will rise into the top 60 whatever happens in the final.
"""),
            I("cricket-northfield-eastmoor-94", "Cricket: Northfield bowl out Eastmoor for 94", "Priya Nandakumar", ["Cricket"], 8.0, """
Seamer Tom Halloran took 6-31 as Northfield bowled out Eastmoor for 94 on the first day of the season's opening match.

Northfield closed on 120 for 2, a lead of 26.
"""),
            I("water-polo-saltby-women-final", "Water polo: Saltby women win national final", "Priya Nandakumar", ["Water polo"], 10.0, """
Saltby won the women's national water polo final for the first time, beating the holders 11-9 after trailing at half-time.

Goalkeeper Elin Rowse made 14 saves and was named player of the match.
"""),
            I("netball-harriers-go-top", "Harriers edge thriller to go top of the netball league", "Callum Reyes", ["Netball"], 14.0, """
Greystone Harriers beat Riverside Flyers 58-57 with the last shot of the match to go top of the netball league on goal difference.

Shooter Ada Kimani scored 41 of her 44 attempts.
"""),
            I("analysis-ashby-back-three", "Analysis: how Ashby's back three shut out Kingsport", "Ben Okoro", ["Analysis", "Football"], 16.0, """
Kingsport City averaged more than two goals a game in the league this season. In the cup final, they managed one shot on target from open play. The reason was Ashby's back three.

Ashby's manager Ruth Calder set her team up to let Kingsport have the ball in wide areas and to crowd the middle:

- The centre-backs stayed narrow, never more than fifteen metres apart.
- The wing-backs dropped deep without the ball, making a back five.
- The two central midfielders screened passes into Kingsport's number ten.

It was not pretty, but it was the plan, and it worked.
""", path="analysis"),
            I("rugby-greystone-injury-crisis", "Rugby: injury crisis deepens for Greystone", "Ben Okoro", ["Rugby"], 17.0, """
Greystone will be without eleven first-team players for the derby after fly-half Sam Orrell was ruled out for six weeks with a hamstring injury.

Coach Dewi Pryce said he would call up four academy players.
"""),
            I("kingsport-manager-under-pressure", "Kingsport City manager under pressure after final defeat", "Callum Reyes", ["Football"], 20.0, """
Kingsport City manager Stefan Holm faces questions over his future after his side's defeat by second-tier Ashby Rovers.

Kingsport are sixth in the league, fifteen points behind the leaders. The club's owners have not commented.
"""),
            I("cycling-crosswinds-split-peloton", "Cycling: crosswinds split the peloton on stage two", "Priya Nandakumar", ["Cycling"], 22.0, """
Strong crosswinds on an exposed coastal road split the peloton into five groups, and several favourites lost more than a minute.

Stage winner Joost Verhaegen now leads the race by 24 seconds.
"""),
            I("cup-final-tickets-resold", "Cup final tickets resold for ten times face value", "Ben Okoro", ["Football", "Fans"], 26.0, """
Tickets for the cup final were offered on resale sites for up to ten times their face value, fans' groups said, days before a new law capping resale prices passed.

Both clubs said they had cancelled more than 300 tickets found on unauthorised sites.
"""),
            I("ashby-player-ratings-cup-final", "Player ratings: how Ashby's heroes rated in the cup final", "Callum Reyes", ["Football"], 28.0, """
Our ratings for the Ashby Rovers side that made history.

- **Niall Foster (GK), 8**: two vital saves in the first half.
- **Jonah Mbeki (captain), 9**: the winning goal and a towering display at the back.
- **Kai Brennan, 7**: ran all afternoon and set up the opener.
- **Luis Amador, 6**: quiet, but never lost his man.

Ashby's manager Ruth Calder: 10. A perfect plan, perfectly carried out.
"""),
            I("ashby-rovers-stun-kingsport-cup-final-upset", "Ashby Rovers stun Kingsport City in cup final upset", "Ben Okoro", ["Football"], 30.0, """
Ashby Rovers pulled off one of the great cup final upsets, beating Kingsport City 2-1 to lift the trophy for the first time.

Kai Brennan's cross was turned in by Oscar Lind after 23 minutes. Kingsport equalised through Rafael Dias early in the second half, but Ashby captain Jonah Mbeki headed in the winner from a corner with eight minutes to go.

> "People said we'd be happy just to be here. We weren't," said Mbeki.

Ashby's fans, 28,000 of them, stayed in the stadium for an hour after the final whistle.
"""),
            I("marathon-world-record-windless-morning", "Marathon world record falls on a windless morning", "Priya Nandakumar", ["Athletics"], 33.0, """
Tesfaye Alemu broke the marathon world record with a time of 2:00:16, taking 19 seconds off the previous mark.

Pacemakers dropped out at 30 kilometres, leaving Alemu to run the last stretch alone. "The weather gave us a chance," he said. "I took it."
"""),
        ],
    )
)

# --- The Lantern Review: arts and culture (Atom) ------------------------------------------
FEEDS.append(
    Feed(
        file="lantern-review.atom",
        fmt="atom",
        title="The Lantern Review",
        domain="lanternreview.example",
        description="Books, stage, screen, music and galleries.",
        section="news",
        tags=["culture"],
        path="culture",
        feed_path="feeds/all.atom",
        tz="-0500",
        items=[
            I("interview-ines-achterberg-painting-sea", "Interview: Ines Achterberg on painting the sea for forty years", "Clara Osei", ["Interview", "Art"], 3.0, """
Ines Achterberg has painted the same stretch of coast almost every day since 1985. A retrospective of her work opens this week.

**Why the same place?** Because it is never the same. The light changes, the beach moves, the sea has a different mood every hour.

**Do you ever get bored?** Of the sea, never. Of cleaning brushes, every single day.

> "People ask when I will finish. I tell them the tide has not finished yet."
"""),
            I("maritime-museum-reopens-whaling-gallery", "Maritime museum reopens after restoration with new whaling gallery", "Jude Marlow", ["Museums", "History"], 7.0, """
The Saltby Maritime Museum has reopened after a three-year restoration, and its most talked-about room is one that confronts an uncomfortable part of the town's past.

The new whaling gallery tells the story of the voyages through the logbooks and letters of the crews, and of the whales they hunted. It does not celebrate the trade, and it does not hide it.

![A long gallery with a whale skeleton hanging from the ceiling above glass display cases](https://lanternreview.example/media/saltby-whaling-gallery.jpg)

Elsewhere, the restored sail loft is a delight: a long timber room full of light, where volunteers demonstrate rope-making at weekends.
"""),
            I("salt-year-debut-novel-review", "Review: 'The Salt Year' is a patient, generous debut novel", "Clara Osei", ["Review", "Books"], 12.0, """
Hester Cole's first novel follows a family through one year on a failing salt marsh farm. Not much happens, and all of it matters.

Cole writes about work, weather and silence with rare care. The ending, when it comes, is earned. **Four stars.**
"""),
            I("village-history-podcast-hit", "The podcast that turned a village history society into a hit", "Jude Marlow", ["Podcasts", "History"], 17.0, """
Six retired members of the Millbrook History Society started recording their meetings to share with members who could not attend. Two years later, *Down Our Lane* has 300,000 listeners.

The secret, they say, is that they argue. "We never agree about anything," said presenter Margaret Sowerby, 78. "People like that."
"""),
            I("orchestra-musicians-accept-contract", "Orchestra musicians accept new contract, ending strike", "Clara Osei", ["Music"], 21.0, """
The National Symphony Orchestra's musicians have voted to accept a new contract, ending a strike that silenced the concert hall for five weeks.

The orchestra's principal cellist, Anouk Verhoef, said the players were relieved to be returning, and that the audience had been "extraordinarily patient".

The first concert back, a programme of Sibelius and Brahms, sold out within an hour.
"""),
            I("film-festival-record-debut-features", "Film festival unveils programme with record number of debut features", "Jude Marlow", ["Film"], 25.0, """
The city film festival will show 31 debut features this year, a record, out of 140 films in its programme.

The festival opens with *Ferryman*, a drama set on a night crossing, and closes with a restored print of a silent comedy.
"""),
            I("hamlet-car-park-review", "Review: a thrilling Hamlet staged in a car park", "Clara Osei", ["Review", "Theatre"], 30.0, """
The top floor of a multi-storey car park turns out to be a fine place for Elsinore: cold, echoing, and surrounded by the lights of a city that does not care.

Tayo Adeyemi's Hamlet is restless and funny. Bring a coat. **Five stars.**
"""),
            I("gallery-video-game-exhibition-queues", "Gallery's video game exhibition draws queues on opening weekend", "Jude Marlow", ["Art", "Games"], 34.0, """
Visitors queued for up to two hours to see *Play Again*, an exhibition about forty years of video game design, at the Harrow Street Gallery.

Every game in the show can be played, from early arcade machines to recent independent titles.
"""),
            I("low-tide-choir-album-review", "Album review: Low Tide Choir's second record rewards patience", "Clara Osei", ["Review", "Music"], 40.0, """
The second album from Low Tide Choir is slower and quieter than their debut. It takes three listens to work, and then it will not leave you alone.

The highlight is *Harbour Lights*, seven minutes of piano and a slowly building choir that sounds like weather coming in off the sea. **Four stars.**
"""),
        ],
    )
)

# --- Valley Courier: regional paper (RSS 1.0 / RDF) ---------------------------------------
FEEDS.append(
    Feed(
        file="valley-courier.rdf",
        fmt="rss10",
        title="Valley Courier",
        domain="valleycourier.example",
        description="News for Ashby, Millbrook and the Carrow valley.",
        section="news",
        tags=["local"],
        feed_path="index.rdf",
        items=[
            I("ashby-open-top-bus-parade", "Ashby open-top bus parade planned for the weekend", "Rhys Calloway", ["Ashby", "Sport"], 4.0, """
Ashby Rovers will parade the cup through the town on an open-top bus this weekend, the club and the town council have confirmed.

The bus will leave the ground at 1pm and finish at the market square, where the players will appear on the town hall balcony. Roads in the town centre will close from 11am.
"""),
            I("bus-route-14-restored", "Bus route 14 to be restored after petition", "Holly Brennan", ["Millbrook", "Transport"], 6.0, """
The bus service linking Millbrook to the hospital will return next month after more than 2,000 people signed a petition against its withdrawal.

The county will pay the operator £180,000 a year to run an hourly service on weekdays and every two hours on Saturdays.
"""),
            I("farmers-dry-weather-hay-yields", "Farmers warn dry weather could cut hay yields", "Holly Brennan", ["Farming"], 9.0, """
Livestock farmers in the valley say the long dry spell could halve this year's first cut of hay, forcing them to buy in feed at high prices.

The farmers' union has asked the water company to let farms keep drawing from streams under existing licences during the hosepipe ban.
"""),
            I("valley-water-hosepipe-ban-record-low", "Valley Water confirms hosepipe ban as reservoirs hit record low", "Rhys Calloway", ["Environment", "Carrow"], 10.0, """
A hosepipe ban will apply to all homes in the Carrow valley from Friday after the reservoirs that supply them fell to a record low for the time of year.

Carrow reservoir, the largest, is at 41% of capacity. Coastline Water, which supplies the valley, said the ban was "a precaution to protect supplies through the summer".

- Fines of up to £1,000 can be imposed, though the company said it expected to rely on goodwill.
- Blue badge holders and people with medical needs are exempt.
- Businesses such as car washes and nurseries are not covered by the ban.

Residents can report leaks on the company's website, which promises to fix them within 24 hours.
"""),
            I("catalytic-converter-thefts-arrests", "Two arrested after catalytic converter thefts", "Rhys Calloway", ["Crime"], 14.0, """
Two men have been arrested after a series of catalytic converter thefts from cars parked at Millbrook station. Police found cutting tools and eleven converters in a van stopped on the bypass.

Officers advised drivers to park in well-lit areas and to ask a garage about fitting a protective cage. Anyone with information should call the non-emergency number.
"""),
            I("millbrook-300-homes-approved", "Planning inspector approves 300 homes at Millbrook", "Holly Brennan", ["Millbrook", "Planning"], 19.0, """
A planning inspector has overturned the district council's refusal and approved 300 homes on farmland west of Millbrook.

The developer must build a new primary school and pay £1.2m towards road improvements. Campaigners said they would consider a legal challenge.
"""),
            I("ashby-celebrates-rovers-cup-final-kingsport", "Ashby celebrates as Rovers win cup final against Kingsport", "Rhys Calloway", ["Ashby", "Sport"], 24.0, """
The streets of Ashby were full until the early hours after Rovers beat Kingsport City to win the cup final for the first time.

Fans who could not get tickets watched on a big screen in the market square. Publican Gary Holt, whose grandfather played for the club, said he had "never seen anything like it".

![Fans in green and white scarves celebrate in a crowded market square at night](https://valleycourier.example/media/ashby-square-celebrations.jpg)

The club's shop opened at 7am to cope with demand for replica shirts.
"""),
            I("library-extends-opening-hours", "Library extends opening hours after volunteer drive", "Holly Brennan", ["Ashby", "Community"], 28.0, """
Ashby library will open on Saturday afternoons and two evenings a week after 40 volunteers signed up to help staff it.

The longer hours start next month. Librarian Anjali Mistry said the evening sessions would include a homework club and a weekly knitting group that had outgrown the church hall.
"""),
            I("community-shop-reopens-after-fire", "Community shop reopens a year after fire", "Rhys Calloway", ["Community"], 33.0, """
The village shop in Lower Carrow has reopened, a year after a fire destroyed it. More than 300 villagers bought shares to fund the rebuild.

The new shop has a post office counter and a small cafe. Volunteer manager Bill Ferris said the first customer through the door bought "a pint of milk and a lottery ticket, same as before the fire".
"""),
            I("valley-show-sheepdog-trials-food-hall", "Valley Show returns with sheepdog trials and a new food hall", "Holly Brennan", ["Events"], 45.0, """
The Valley Show will return to Carrow Park in the summer with sheepdog trials, a vintage tractor parade and, for the first time, a food hall for local producers.

Organisers said tickets would go on sale next month, with free entry for children under twelve. Volunteers are still needed to help with parking and stewarding.
"""),
        ],
    )
)

# --- Copperfield Post: national general news (JSON Feed) ----------------------------------
FEEDS.append(
    Feed(
        file="copperfield-post.json",
        fmt="json",
        title="Copperfield Post",
        domain="copperfieldpost.example",
        description="The day's news, clearly told.",
        section="news",
        tags=["national"],
        feed_path="feeds/latest.json",
        items=[
            I("measles-cases-rise-cities-hospitals", "Measles cases rise in cities as hospitals prepare", "Grace Whitlow", ["Health"], 0.8, """
Hospitals in three cities have opened isolation bays as measles cases continue to rise, with more than 200 infections confirmed this year.

Doctors urged parents to check that their children have had both doses of the vaccine. The first dose is offered at one year and the second at about three and a half.

> "Measles is not a mild illness. One in five children who catch it needs hospital care," said Dr Lina Haraldsen, a paediatrician.
"""),
            I("train-drivers-strike-called-off-overnight-talks", "Train drivers' strike called off after overnight talks", "Arthur Quayle", ["Transport"], 1.5, """
Passengers can travel as planned this week after a national strike by train drivers was called off following overnight talks.

The union will ballot its members on a new offer that includes a 4.5% pay rise and changes to rest-day working. If the offer is rejected, a strike could be called again with two weeks' notice.
"""),
            I("motorway-reopens-lorry-fire", "Motorway reopens after overnight lorry fire", "Arthur Quayle", ["Transport"], 3.0, """
The northbound carriageway has reopened after being closed for nine hours when a lorry carrying paper caught fire.

Nobody was hurt. Engineers worked through the night to replace a damaged section of road surface.
"""),
            I("hosepipe-ban-two-million-households", "Hosepipe ban for two million households as reservoir levels hit record low", "Grace Whitlow", ["Environment", "Weather"], 5.0, """
About two million households in the south-west will be banned from using hosepipes from Friday, after reservoir levels fell to a record low for the time of year.

It is the first hosepipe ban in the region for six years. Other water companies said they had no plans for restrictions but urged customers to use water carefully.

Tips from water companies for saving water at home:

- Take shorter showers: each minute saves about ten litres.
- Turn off the tap while brushing your teeth.
- Run washing machines and dishwashers only when full.
- Use a watering can in the evening, when less water evaporates.
"""),
            I("parliament-votes-cap-ticket-resale", "Parliament votes to cap resale prices of event tickets", "Edie Marsh", ["Politics", "Consumer"], 7.0, """
Fans will no longer pay hundreds of pounds over face value for concert and football tickets after parliament voted to cap resale prices.

Under the new law, tickets can be resold for no more than 10% above their original price. Campaigners called it "a win for fans". Resale platforms said they would comply but warned that some sales would move abroad.
"""),
            I("weather-fog-then-dry-mild", "Weather: fog patches, then a dry and mild day", "Weather desk", ["Weather"], 10.0, """
Fog patches in the east will clear by mid-morning to leave a dry, mild day with long sunny spells. Highs of 17C in the south, 13C in the north.

Tonight will be clear and chilly, with a touch of frost in rural parts of the north. More dry weather is expected for the rest of the week.
"""),
            I("pellet-library-flaw-router", "Pellet library flaw: should you worry about your router?", "Edie Marsh", ["Technology", "Consumer"], 11.0, """
A flaw in Pellet, a piece of software used inside many home routers, could let attackers take control of the device. Here is what you need to know.

Most people do not need to panic, security experts say, but should check for updates. Log in to your router's settings page or its app and look for a "firmware update" option. Routers supplied by broadband companies are usually updated automatically.

If your router is no longer supported, consider replacing it. Our [guide to choosing a router](https://copperfieldpost.example/tech/routers-guide) explains what to look for.
"""),
            I("ashby-rovers-cup-win-fans-waited", "Ashby Rovers' cup win: the fans who waited 50 years", "Edie Marsh", ["Sport", "Football"], 12.0, """
For Maureen Hext, 84, the final whistle meant the end of a wait that started when she first watched Ashby Rovers as a schoolgirl.

She was one of dozens of lifelong supporters who travelled to the final on a coach organised by the supporters' club. "I told my husband before he died that we'd win something one day," she said. "I wish he'd seen it."
"""),
            I("kestrel-probe-lands-icy-saturn-moon", "European probe Kestrel lands on icy Saturn moon", "Grace Whitlow", ["Science", "Space"], 14.0, """
A European-led space probe has landed on Enceladus, a small icy moon of Saturn, after a journey of seven years and more than a billion kilometres.

Scientists believe an ocean lies beneath the moon's frozen crust, making it one of the best places in the solar system to look for signs of life.

The lander will spend at least six months drilling and analysing the ice. Its first photograph shows a flat, rippled landscape with Saturn on the horizon.
"""),
            I("school-uniform-costs-rise", "Cost of school uniforms rises for third year", "Arthur Quayle", ["Education", "Cost of living"], 16.0, """
Parents are paying an average of £340 a year for each child's school uniform, up 6% on last year, a survey by a children's charity found.

The charity called for schools to allow more unbranded items, which can be bought cheaply in supermarkets.
"""),
            I("pensioner-completes-degree", "Pensioner, 81, completes degree sixty years after leaving school", "Edie Marsh", ["Education", "People"], 20.0, """
Walter Penrose left school at 15 to work in a shipyard. At 81, he has graduated with a first-class degree in history.

He studied part-time for six years, mostly at his kitchen table. His next project, he says, is learning Italian.
"""),
            I("mortgage-holders-welcome-rate-cut", "Mortgage holders welcome central bank interest rate cut", "Arthur Quayle", ["Economy", "Money"], 22.0, """
Homeowners on tracker mortgages will see their monthly payments fall after the central bank cut interest rates to 3.5%.

For a typical tracker mortgage of £200,000, the cut is worth about £15 a month. Most borrowers are on fixed-rate deals and will not see a change until those deals end.

Mortgage brokers said lenders had already begun trimming the cost of new fixed deals in anticipation of the cut.
"""),
        ],
    )
)

# --- The Weekly Compass: analysis, explainers and interviews (RSS 2.0) ---------------------
FEEDS.append(
    Feed(
        file="weekly-compass.xml",
        fmt="rss20",
        title="The Weekly Compass",
        domain="weeklycompass.example",
        description="Analysis, explainers and long conversations.",
        section="news",
        tags=["analysis"],
        path="analysis",
        feed_path="feed/",
        tz="+0100",
        items=[
            I("water-companies-leakage-targets", "Analysis: why water companies keep missing leakage targets", "Hugo Prentice", ["Analysis", "Environment"], 3.2, """
Water companies have promised for two decades to cut leaks. Most have missed their targets in at least half of those years.

The reasons are partly physical: many mains are more than a century old and buried under busy roads. But they are also financial. Finding and fixing a small leak can cost more than the water it loses, so the cheapest option on paper is often to let it run.

Regulators have begun to change the sums by fining companies that miss targets. Whether the fines are large enough to change behaviour is the question this year's hosepipe bans will test.
"""),
            I("countries-capped-touting", "Analysis: what other countries learned when they capped touting", "Hugo Prentice", ["Analysis", "Consumer"], 6.0, """
Countries that have capped ticket resale prices offer a mixed picture. Where the cap came with identity checks on sellers and named tickets, touting fell sharply. Where it did not, the market moved to social media.

The new law includes some checks, but enforcement will fall to a trading standards service that has lost a third of its staff in ten years.
"""),
            I("savers-feel-rate-cut-first", "Analysis: savers will feel the rate cut before borrowers do", "Maya Corrigan", ["Analysis", "Money"], 9.0, """
For borrowers, the central bank's decision to cut rates is good news. For the millions of people who rely on interest from savings, it is the start of a slow squeeze.

Banks tend to cut savings rates faster than mortgage rates. Within weeks, expect the best easy-access accounts to fall from around 4.5% towards 4%.

There are still ways to protect your income:

- Fix part of your savings now, while one- and two-year bonds still pay well.
- Check that your current account is not paying you nothing.
- Remember that inflation at 2.3% means most savers are, for now, ahead in real terms.
"""),
            I("interview-ashby-kit-manager", "Interview: Ashby Rovers' kit manager on 31 years at the club", "Maya Corrigan", ["Interview", "Sport"], 15.0, """
Derek Lowe has washed, folded and hung every Ashby Rovers shirt since 1994. We spoke to him the morning after the cup final.

**How did you celebrate?** I did the washing. Someone has to.

**What's the secret of a good kit room?** Never run out of socks. Players will forgive you anything but cold feet.

> "I've seen relegations, an administration and a fire in the main stand. This makes up for all of it."
""", path="interviews"),
            I("interview-saltby-mayor-ferries-floods", "Interview: the mayor of Saltby on ferries, floods and funding", "Hugo Prentice", ["Interview", "Politics"], 20.0, """
Saltby's mayor, Patience Oduya, has had a difficult month: an overspent ferry contract, a hosepipe ban and a budget with less money than last year.

**Who is to blame for the ferry overspend?** The review will say. I will not prejudge it, but I want names as much as anyone.

**Is Saltby being left behind?** Coastal towns are the last stop on every line, literally. We need the same investment as the cities, not a share of what is left over.
""", path="interviews"),
            I("explainer-census-counts-people", "Explainer: how the census counts people who don't want to be counted", "Maya Corrigan", ["Explainer", "Society"], 26.0, """
Not everyone fills in the census. Statisticians estimate that about 3% of people were missed in the first count. So how do the final figures include them?

The answer is a second, smaller survey of randomly chosen streets, carried out a few weeks later. By comparing who appears in both, statisticians can estimate how many people each kind of area is likely to have missed, and adjust the totals.
"""),
            I("long-read-race-to-land-on-enceladus", "The long read: inside the race to land on Enceladus", "Hugo Prentice", ["Long read", "Science"], 30.0, """
The idea of landing on Enceladus was first sketched on a napkin at a conference dinner in 2006. It took nineteen years, three cancelled proposals and a change of rocket to make it happen.

This is the story of the people who kept it alive: the planetary scientist who would not give up, the engineer who redesigned the legs four times, and the accountant who found the money.
"""),
            I("hidden-costs-four-day-week", "Analysis: the hidden costs of a four-day week", "Maya Corrigan", ["Analysis", "Work"], 38.0, """
Trials of a four-day week have reported happier staff and steady output. But most trials were in offices. In hospitals, schools and shops, someone still has to cover the fifth day, and that costs money.

Employers in those sectors say a shorter week would mean hiring more staff at a time when vacancies are already hard to fill. Supporters reply that lower sickness and staff turnover would pay for much of it. The honest answer is that nobody yet knows.
"""),
            I("interview-night-shift-childrens-ward", "Interview: a night shift on the children's ward", "Hugo Prentice", ["Interview", "Health"], 48.0, """
Staff nurse Bea Olumide has worked nights on a children's ward for fourteen years. "Night is when parents are most frightened," she says. "Our job is to be calm for them."

**What does a quiet night look like?** Obs every hour, a few feeds, a lot of paperwork, and tea at 4am if we're lucky.

**And a busy one?** You don't sit down. You don't notice until the morning that you haven't.
""", path="interviews"),
        ],
    )
)

# --- The Meridian Wire's "most read" list (RSS 2.0), for section = "trending" -------------
MOST_READ = Feed(
    file="meridian-most-read.xml",
    fmt="rss20",
    title="The Meridian Wire: Most Read",
    domain="",  # filled in from the wire feed by _build.most_read
    description="The stories Meridian readers are reading most, updated every 15 minutes.",
    section="trending",
    tags=["world"],
    feed_path="most-read.xml",
    source_file="meridian-wire.atom",
    ranking=[
        "kestrel-probe-lands-enceladus",
        "central-bank-cuts-rates",
        "ashby-rovers-win-cup-final",
        "rail-strike-called-off",
        "pellet-library-flaw",
        "bird-flu-coastal-farms",
        "measles-cases-rise-cities",
        "parliament-ticket-resale-cap",
        "marathon-world-record-windless",
        "census-over-80s-growth",
    ],
)
# fmt: on

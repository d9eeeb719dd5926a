"""Approximate shares of the commonest surnames and first names in England and Wales.

Used as the matcher's term frequencies until the register has been estimated (a small or new
register says little about how common a name is) and by the bench generator. Surname shares
follow published counts of the commonest surnames (Smith about 1.3 %, Jones about 0.9 %…);
first names are ranked lists for adults with shares falling off as 1/rank. Rounded: they only
need to say "Smith is common, Trevithick is not".
"""

SURNAMES = {
    "smith": 0.0126, "jones": 0.0084, "williams": 0.0067, "taylor": 0.0058, "brown": 0.0055,
    "davies": 0.0051, "evans": 0.0041, "wilson": 0.0039, "thomas": 0.0038, "johnson": 0.0035,
    "roberts": 0.0035, "robinson": 0.0029, "thompson": 0.0029, "wright": 0.0028,
    "walker": 0.0028, "white": 0.0027, "edwards": 0.0027, "hughes": 0.0026, "green": 0.0025,
    "hall": 0.0025, "lewis": 0.0024, "harris": 0.0024, "clarke": 0.0023, "patel": 0.0023,
    "jackson": 0.0022, "wood": 0.0021, "turner": 0.0021, "martin": 0.0021, "cooper": 0.0021,
    "hill": 0.0021, "ward": 0.0020, "morris": 0.0020, "moore": 0.0020, "clark": 0.0020,
    "lee": 0.0019, "king": 0.0019, "baker": 0.0019, "harrison": 0.0019, "morgan": 0.0019,
    "allen": 0.0018, "james": 0.0018, "scott": 0.0018, "phillips": 0.0018, "watson": 0.0018,
    "davis": 0.0018, "parker": 0.0017, "price": 0.0017, "bennett": 0.0017, "young": 0.0017,
    "griffiths": 0.0017, "mitchell": 0.0017, "kelly": 0.0016, "cook": 0.0016,
    "carter": 0.0016, "richardson": 0.0016, "bailey": 0.0016, "collins": 0.0016,
    "bell": 0.0016, "shaw": 0.0015, "murphy": 0.0015, "miller": 0.0015, "cox": 0.0015,
    "richards": 0.0015, "khan": 0.0015, "marshall": 0.0015, "anderson": 0.0015,
    "simpson": 0.0014, "ellis": 0.0014, "adams": 0.0014, "singh": 0.0014, "begum": 0.0014,
    "wilkinson": 0.0014, "foster": 0.0014, "chapman": 0.0013, "powell": 0.0013,
    "webb": 0.0013, "rogers": 0.0013, "gray": 0.0013, "mason": 0.0013, "ali": 0.0013,
    "hunt": 0.0013, "hussain": 0.0013, "campbell": 0.0012, "matthews": 0.0012,
    "owen": 0.0012, "palmer": 0.0012, "holmes": 0.0012, "mills": 0.0012, "barnes": 0.0012,
    "knight": 0.0012, "lloyd": 0.0012, "butler": 0.0012, "russell": 0.0012,
    "barker": 0.0012, "fisher": 0.0012, "stevens": 0.0012, "jenkins": 0.0012,
    "murray": 0.0012, "dixon": 0.0011, "harvey": 0.0011,
}  # fmt: skip

_MALE = (
    "david john michael paul andrew peter james robert mark richard stephen christopher ian "
    "daniel thomas matthew anthony steven gary william simon kevin alan martin brian lee george "
    "jonathan adam graham philip neil jason keith colin craig scott ryan benjamin samuel joseph "
    "jack oliver harry charles edward alexander nicholas luke liam jamie dean carl wayne shaun "
    "barry roger terence kenneth derek raymond gordon trevor dennis leslie ronald frank henry "
    "arthur albert harold stanley frederick walter ernest sidney norman leonard donald "
    "mohammed muhammad ahmed ali omar hassan imran tariq rajesh sanjay amit vijay arjun krishna "
    "piotr tomasz marek andrzej krzysztof lukasz jakub mateusz ion andrei mihai alexandru"
)
MALE_FIRST_NAMES = _MALE.split()
_FEMALE = (
    "susan sarah margaret elizabeth patricia helen julie karen claire emma mary catherine "
    "jennifer linda alison nicola joanne lisa jane christine ann anne deborah rachel laura "
    "jessica amy hannah sophie rebecca charlotte lucy emily victoria michelle louise kelly "
    "angela gillian janet caroline dawn tracey amanda samantha katie lauren chloe olivia jade "
    "natalie joan dorothy barbara jean pauline valerie sandra denise jacqueline wendy carol "
    "marie ruth diane maureen shirley sheila brenda irene doris edna gladys hilda ethel "
    "fatima aisha ayesha zainab maryam khadija sana priya anjali sunita deepa kavita "
    "anna katarzyna magdalena agnieszka joanna monika ewa maria elena ioana andreea"
)
FEMALE_FIRST_NAMES = _FEMALE.split()


def _shares(names, total):
    weights = [1 / (rank + 5) for rank in range(len(names))]
    scale = total / sum(weights)
    return {name: w * scale for name, w in zip(names, weights, strict=True)}


# The named first names cover about 80 % of adults, split evenly between the two lists.
FIRST_NAMES = _shares(MALE_FIRST_NAMES, 0.4) | _shares(FEMALE_FIRST_NAMES, 0.4)
# Shares assumed for names not listed above (rare names: about 1 person in 20,000 / 5,000).
SURNAME_FLOOR = 0.00005
FIRST_NAME_FLOOR = 0.0002

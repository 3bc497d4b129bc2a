"""Hand-written gazetteer facts: Syria's governorates, named regions, country name variants,
and the words the text scanner must not take for places.

Centroids are approximate (two decimals, ~1 km) and were set by hand from the settlements
each area is named for; they are meant for map markers at "governorate" or "region"
precision, not for measurement. Baked into the shipped index by scripts/build_gazetteer.py;
the scanner also reads the stop lists at run time (for user layers).
"""

from __future__ import annotations

# Countries whose every GeoNames cities500 place is kept, with Arabic names, and which get
# the "home" ranking bonus (SY only) — see docs/gazetteer.md.
HOME_COUNTRIES = ("SY",)
NEAR_EAST = (
    "SY", "LB", "IQ", "JO", "TR", "IL", "PS", "IR", "SA", "YE", "EG", "LY", "KW", "AE", "QA",
    "BH", "OM", "CY",
)

# GeoNames admin1 codes for Syria -> canonical governorate name used as Place.admin1.
SY_ADMIN1 = {
    "01": "Hasakah", "02": "Latakia", "03": "Quneitra", "04": "Raqqa", "05": "Sweida",
    "06": "Daraa", "07": "Deir ez-Zor", "08": "Rif Dimashq", "09": "Aleppo", "10": "Hama",
    "11": "Homs", "12": "Idlib", "13": "Damascus", "14": "Tartus",
}

# (canonical name, variants, lat, lon). Each also gets "<name> Governorate/Province" and
# "<variant> Governorate/Province" variants at build time.
GOVERNORATES: list[tuple[str, list[str], float, float]] = [
    ("Aleppo", ["Halab", "Haleb", "Alep", "حلب"], 36.25, 37.60),
    ("Idlib", ["Idleb", "Edlib", "Idlip", "إدلب"], 35.80, 36.62),
    ("Hama", ["Hamah", "Hamaa", "حماة", "حماه"], 35.15, 37.00),
    ("Homs", ["Hims", "Homs Governorate", "حمص"], 34.60, 37.90),
    ("Latakia", ["Lattakia", "Latakiya", "Lattaquie", "Al-Ladhiqiyah", "Ladhiqiyah", "اللاذقية"], 35.62, 35.98),
    ("Tartus", ["Tartous", "Tartos", "Tortosa", "طرطوس"], 34.90, 36.02),
    ("Damascus", ["Dimashq", "Dimashk", "دمشق"], 33.51, 36.29),
    ("Rif Dimashq", [
        "Rif Dimashk", "Reef Dimashq", "Rif Damascus", "Reef Damascus", "Rural Damascus",
        "Damascus countryside", "Damascus Countryside Governorate", "countryside of Damascus",
        "Damascus suburbs", "ريف دمشق",
    ], 33.55, 36.75),
    ("Daraa", ["Deraa", "Dara'a", "Der'a", "Darʿa", "درعا"], 32.80, 36.20),
    ("Sweida", ["As-Suwayda", "Suwayda", "Sweyda", "Suwaida", "al-Suwayda", "Soueida", "Swaida", "السويداء"], 32.70, 36.70),
    ("Quneitra", ["Al-Qunaytirah", "Qunaytirah", "Kuneitra", "Qunaitra", "القنيطرة"], 33.10, 35.85),
    ("Raqqa", ["Al-Raqqa", "Ar-Raqqah", "Raqqah", "Rakka", "al-Rakka", "Raqa", "Raka", "الرقة"], 35.90, 38.90),
    ("Deir ez-Zor", [
        "Deir al-Zour", "Deir al-Zor", "Deir el-Zor", "Dayr az-Zawr", "Deir Ezzor", "Deir Azzor",
        "Deir ez-Zour", "Deir Zor", "دير الزور",
    ], 35.00, 40.30),
    ("Hasakah", ["Al-Hasakah", "Hasaka", "Hassakeh", "Hasakeh", "al-Hasaka", "Hassake", "الحسكة"], 36.55, 40.95),
]

# Named regions: (name, variants, lat, lon, admin1, country). Direction+base regions also
# carry the canonical direction and the base they are relative to (see DIRECTIONAL below).
REGIONS: list[tuple[str, list[str], float, float, str | None, str]] = [
    ("Eastern Ghouta", ["East Ghouta", "Eastern Ghuta", "East Ghuta", "Ghouta al-Sharqiya", "al-Ghouta al-Sharqiyah", "الغوطة الشرقية"], 33.55, 36.40, "Rif Dimashq", "SY"),
    ("Western Ghouta", ["West Ghouta", "Western Ghuta", "Ghouta al-Gharbiya", "الغوطة الغربية"], 33.46, 36.21, "Rif Dimashq", "SY"),
    ("Ghouta", ["Ghuta", "al-Ghouta", "Damascus Ghouta", "الغوطة"], 33.51, 36.34, "Rif Dimashq", "SY"),
    ("Qalamoun", ["Qalamun", "Kalamoun", "Qalamoun Mountains", "al-Qalamoun", "Qalamoun region", "القلمون"], 33.95, 36.60, "Rif Dimashq", "SY"),
    ("Eastern Qalamoun", ["East Qalamoun", "Eastern Qalamun", "القلمون الشرقي"], 33.80, 36.95, "Rif Dimashq", "SY"),
    ("Western Qalamoun", ["West Qalamoun", "Western Qalamun", "القلمون الغربي"], 33.95, 36.45, "Rif Dimashq", "SY"),
    ("Wadi Barada", ["Barada valley", "وادي بردى"], 33.64, 36.13, "Rif Dimashq", "SY"),
    ("Southern Damascus", ["south Damascus", "southern Damascus", "جنوب دمشق"], 33.47, 36.30, "Damascus", "SY"),
    ("Hauran", ["Houran", "Horan", "Hawran", "Hauran plain", "حوران"], 32.75, 36.20, "Daraa", "SY"),
    ("Jazira", ["Jezira", "Jazirah", "al-Jazira", "Syrian Jazira", "Jazira region", "الجزيرة السورية"], 36.55, 40.90, "Hasakah", "SY"),
    ("Golan Heights", ["Golan", "occupied Golan", "Syrian Golan", "الجولان"], 33.00, 35.78, "Quneitra", "SY"),
    ("Syrian Desert", ["Badia", "Syrian Badia", "al-Badia", "Badiya", "البادية"], 34.60, 38.50, "Homs", "SY"),
    ("Jabal al-Zawiya", ["Jabal Zawiya", "Jebel Zawiya", "Jabal al-Zawiyah", "جبل الزاوية"], 35.67, 36.53, "Idlib", "SY"),
    ("Jabal al-Akrad", ["Jabal Akrad", "Jebel Akrad", "Kurd Mountain", "جبل الأكراد"], 35.75, 36.18, "Latakia", "SY"),
    ("Jabal al-Turkman", ["Jabal Turkman", "Jebel Turkman", "Turkmen Mountain", "جبل التركمان"], 35.80, 36.02, "Latakia", "SY"),
    ("Ghab Plain", ["al-Ghab", "Sahl al-Ghab", "Ghab", "سهل الغاب"], 35.60, 36.35, "Hama", "SY"),
    ("Eastern Aleppo", ["east Aleppo", "eastern Aleppo city", "east Aleppo city", "eastern districts of Aleppo", "eastern neighbourhoods of Aleppo", "eastern neighborhoods of Aleppo", "حلب الشرقية"], 36.20, 37.18, "Aleppo", "SY"),
    ("Western Aleppo", ["west Aleppo", "western Aleppo city", "west Aleppo city", "western districts of Aleppo", "western neighbourhoods of Aleppo", "western neighborhoods of Aleppo", "حلب الغربية"], 36.205, 37.12, "Aleppo", "SY"),
    ("Bekaa Valley", ["Bekaa", "Beqaa", "Beqaa Valley", "البقاع"], 33.85, 36.00, None, "LB"),
    ("Hatay", ["Hatay province", "Hatay Province"], 36.40, 36.25, None, "TR"),
    ("Iraqi Kurdistan", ["Kurdistan Region", "Kurdistan Region of Iraq", "KRI"], 36.20, 44.00, None, "IQ"),
]

# Countryside regions relative to a governorate: (direction, governorate, lat, lon).
# Each becomes "<Dir>ern <Gov> countryside" with the usual phrasings as variants, and the
# scanner maps "south of Idleb", "Idlib's southern countryside", "rural southern Idlib"
# and the like onto it. Directions not listed here fall back to a computed point.
DIRECTIONAL: list[tuple[str, str, float, float]] = [
    ("north", "Aleppo", 36.50, 37.10),
    ("south", "Aleppo", 35.95, 37.10),
    ("west", "Aleppo", 36.20, 36.85),
    ("east", "Aleppo", 36.25, 37.75),
    ("northeast", "Aleppo", 36.45, 37.70),
    ("south", "Idlib", 35.55, 36.62),
    ("southeast", "Idlib", 35.62, 36.95),
    ("east", "Idlib", 35.85, 36.85),
    ("west", "Idlib", 35.88, 36.40),
    ("southwest", "Idlib", 35.72, 36.38),
    ("north", "Idlib", 36.12, 36.64),
    ("north", "Hama", 35.32, 36.62),
    ("south", "Hama", 34.98, 36.72),
    ("east", "Hama", 35.15, 37.25),
    ("west", "Hama", 35.22, 36.42),
    ("north", "Homs", 34.88, 36.67),
    ("east", "Homs", 34.55, 37.70),
    ("west", "Homs", 34.72, 36.40),
    ("north", "Latakia", 35.80, 36.10),
    ("north", "Daraa", 33.00, 36.15),
    ("west", "Daraa", 32.80, 35.98),
    ("east", "Daraa", 32.70, 36.35),
    ("north", "Raqqa", 36.30, 38.95),
    ("east", "Deir ez-Zor", 34.90, 40.60),
    ("west", "Deir ez-Zor", 35.40, 39.90),
]

DIRECTION_BEARINGS = {
    "north": 0, "northeast": 45, "east": 90, "southeast": 135,
    "south": 180, "southwest": 225, "west": 270, "northwest": 315,
}

# Country name variants GeoNames' country list lacks (short forms, abbreviations, Arabic).
COUNTRY_VARIANTS: dict[str, list[str]] = {
    "SY": ["Syrian Arab Republic", "سوريا", "سورية"],
    "US": ["United States of America", "USA", "U.S.", "U.S.A.", "US", "America", "الولايات المتحدة"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom", "England", "بريطانيا"],
    "RU": ["Russian Federation", "روسيا"],
    "IR": ["Islamic Republic of Iran", "إيران"],
    "TR": ["Türkiye", "Turkiye", "تركيا"],
    "LB": ["لبنان"],
    "IQ": ["العراق"],
    "JO": ["الأردن"],
    "IL": ["إسرائيل"],
    "PS": ["Palestinian Territories", "Palestinian territories", "فلسطين"],
    "NL": ["Holland", "The Netherlands"],
    "KR": ["South Korea"],
    "KP": ["North Korea", "DPRK"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "SA": ["Saudi", "KSA", "السعودية"],
    "CZ": ["Czech Republic"],
    "CI": ["Ivory Coast"],
    "CD": ["DR Congo", "DRC"],
    "VA": ["Vatican"],
    "FR": ["فرنسا"],
    "CN": ["الصين"],
    "EG": ["مصر"],
}

# Short or common-word names the text scanner must never report (lookup still finds them).
# Compared on exact keys. Kept here so user layers get the same treatment.
SCAN_STOP = frozenset(
    """
    of best mobile reading split nice bath orange hope unity liberty victory independence
    opportunity university police army date mission sale says said march may june july
    august april january february september october november december monday tuesday
    wednesday thursday friday saturday sunday the a an and or but for from with by on at in
    to as is it its this that these those there here then than was were be been being have has
    had do does did not no yes all any some many much more most other such only own same so
    very can will just should now new old big long little great good bad high low last first
    next early late young free open public national central union general independent
    security council state states government minister ministry president army forces
    regime rebels opposition fighters militants islamic state isis isil daesh nusra sham al
    sham bilad al sham jazeera al jazeera arabiya al arabiya mayadeen al mayadeen watan al watan
    sana baladi enab baladi orient reuters associated press afp tass ria sputnik bbc cnn
    chemical weapons gas chlorine sarin mustard attack attacks strike strikes airstrike
    video photo photos image images report reports news media press agency
    water fire gate bridge road street square market mosque school hospital church park
    station airport base camp center centre hall house tower palace castle fort citadel
    north south east west northern southern eastern western central middle upper lower
    summit lake river mountain mount valley hill hills beach port island bay sea ocean
    white black red green blue brown gold golden silver
    hit bel dam dama laj bab tal tell ras ain ayn jabal jebel kafr deir beit bayt
    wadi nahr hay ard sahl tall umm abu ibn bin bani
    sunni shia shiite alawite kurd kurds kurdish arab arabs druze christian christians
    ali hassan hussein mohammed muhammad ahmed ahmad omar khaled khalid mahmoud said saeed
    assad bashar hafez putin obama trump erdogan lavrov kerry tillerson
    mercy grace faith charity justice peace patience
    home homes mark marks james david paul john george victoria florence lincoln jackson
    post times guardian telegraph
    christmas easter ramadan eid
    syrian syrians iraqi iraqis russian russians turkish turk turks iranian iranians american
    americans british french lebanese jordanian israeli israelis palestinian palestinians
    egyptian libyan yemeni qatari emirati kuwaiti bahraini omani saudis european europeans
    chinese german germans italian spanish dutch belgian swiss austrian polish ukrainian
    arabic persian hebrew armenian armenians assyrian circassian turkmen yazidi yazidis
    western eastern westerners
    rami khan revolution international masdar zahran khalil vladimir hazm alam jadid burj balad
    dali maan nasr liwa jaish jaysh fateh fatah ahrar tahrir hayat hayyat
    hamad kennedy elizabeth badr sadr bayan marj brak rasm
    """.split()
) | frozenset(
    ["al nusra", "old city", "al masdar", "al quds al arabi", "al sham", "esh sham", "ash sham", "el sham", "bilad al sham", "al jazeera", "al arabiya", "al mayadeen", "al watan", "enab baladi",
     "islamic state", "associated press", "state duma", "free syrian army", "white helmets",
     "united nations", "security council", "human rights watch", "amnesty international"]
)

# Multi-word phrases that contain a place name but are not a place in running text.
SCAN_BLOCK_PHRASES = [
    "State Duma", "Islamic State", "Tahrir al-Sham", "Ahrar al-Sham", "Hayat Tahrir al-Sham",
    "Hay'at Tahrir al-Sham", "Jaysh al-Islam", "Al Jazeera", "Al-Jazeera", "Al Mayadeen",
    "Al-Mayadeen", "Al Arabiya", "Al-Arabiya", "Al-Watan", "Al Watan", "Enab Baladi",
    "Washington Post", "New York Times", "Moscow Times", "Syrian Observatory",
    "Syrian Arab News Agency", "Syrian American Medical Society", "Jerusalem Post",
    "Paris Agreement", "Geneva Conventions", "Geneva Convention", "Geneva Protocol",
]

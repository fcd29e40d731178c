"""French regions and departments (official INSEE codes, 2016 regions).

Reference data shared by every app: models store the INSEE code, and this module gives names,
the department → region mapping and form choices without a database query.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    region_code: str

    @property
    def region(self) -> Region:
        return REGIONS[self.region_code]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


REGIONS: dict[str, Region] = {
    region.code: region
    for region in (
        Region("01", "Guadeloupe"),
        Region("02", "Martinique"),
        Region("03", "Guyane"),
        Region("04", "La Réunion"),
        Region("06", "Mayotte"),
        Region("11", "Île-de-France"),
        Region("24", "Centre-Val de Loire"),
        Region("27", "Bourgogne-Franche-Comté"),
        Region("28", "Normandie"),
        Region("32", "Hauts-de-France"),
        Region("44", "Grand Est"),
        Region("52", "Pays de la Loire"),
        Region("53", "Bretagne"),
        Region("75", "Nouvelle-Aquitaine"),
        Region("76", "Occitanie"),
        Region("84", "Auvergne-Rhône-Alpes"),
        Region("93", "Provence-Alpes-Côte d'Azur"),
        Region("94", "Corse"),
    )
}

_DEPARTMENTS = [
    ("01", "Ain", "84"),
    ("02", "Aisne", "32"),
    ("03", "Allier", "84"),
    ("04", "Alpes-de-Haute-Provence", "93"),
    ("05", "Hautes-Alpes", "93"),
    ("06", "Alpes-Maritimes", "93"),
    ("07", "Ardèche", "84"),
    ("08", "Ardennes", "44"),
    ("09", "Ariège", "76"),
    ("10", "Aube", "44"),
    ("11", "Aude", "76"),
    ("12", "Aveyron", "76"),
    ("13", "Bouches-du-Rhône", "93"),
    ("14", "Calvados", "28"),
    ("15", "Cantal", "84"),
    ("16", "Charente", "75"),
    ("17", "Charente-Maritime", "75"),
    ("18", "Cher", "24"),
    ("19", "Corrèze", "75"),
    ("2A", "Corse-du-Sud", "94"),
    ("2B", "Haute-Corse", "94"),
    ("21", "Côte-d'Or", "27"),
    ("22", "Côtes-d'Armor", "53"),
    ("23", "Creuse", "75"),
    ("24", "Dordogne", "75"),
    ("25", "Doubs", "27"),
    ("26", "Drôme", "84"),
    ("27", "Eure", "28"),
    ("28", "Eure-et-Loir", "24"),
    ("29", "Finistère", "53"),
    ("30", "Gard", "76"),
    ("31", "Haute-Garonne", "76"),
    ("32", "Gers", "76"),
    ("33", "Gironde", "75"),
    ("34", "Hérault", "76"),
    ("35", "Ille-et-Vilaine", "53"),
    ("36", "Indre", "24"),
    ("37", "Indre-et-Loire", "24"),
    ("38", "Isère", "84"),
    ("39", "Jura", "27"),
    ("40", "Landes", "75"),
    ("41", "Loir-et-Cher", "24"),
    ("42", "Loire", "84"),
    ("43", "Haute-Loire", "84"),
    ("44", "Loire-Atlantique", "52"),
    ("45", "Loiret", "24"),
    ("46", "Lot", "76"),
    ("47", "Lot-et-Garonne", "75"),
    ("48", "Lozère", "76"),
    ("49", "Maine-et-Loire", "52"),
    ("50", "Manche", "28"),
    ("51", "Marne", "44"),
    ("52", "Haute-Marne", "44"),
    ("53", "Mayenne", "52"),
    ("54", "Meurthe-et-Moselle", "44"),
    ("55", "Meuse", "44"),
    ("56", "Morbihan", "53"),
    ("57", "Moselle", "44"),
    ("58", "Nièvre", "27"),
    ("59", "Nord", "32"),
    ("60", "Oise", "32"),
    ("61", "Orne", "28"),
    ("62", "Pas-de-Calais", "32"),
    ("63", "Puy-de-Dôme", "84"),
    ("64", "Pyrénées-Atlantiques", "75"),
    ("65", "Hautes-Pyrénées", "76"),
    ("66", "Pyrénées-Orientales", "76"),
    ("67", "Bas-Rhin", "44"),
    ("68", "Haut-Rhin", "44"),
    ("69", "Rhône", "84"),
    ("70", "Haute-Saône", "27"),
    ("71", "Saône-et-Loire", "27"),
    ("72", "Sarthe", "52"),
    ("73", "Savoie", "84"),
    ("74", "Haute-Savoie", "84"),
    ("75", "Paris", "11"),
    ("76", "Seine-Maritime", "28"),
    ("77", "Seine-et-Marne", "11"),
    ("78", "Yvelines", "11"),
    ("79", "Deux-Sèvres", "75"),
    ("80", "Somme", "32"),
    ("81", "Tarn", "76"),
    ("82", "Tarn-et-Garonne", "76"),
    ("83", "Var", "93"),
    ("84", "Vaucluse", "93"),
    ("85", "Vendée", "52"),
    ("86", "Vienne", "75"),
    ("87", "Haute-Vienne", "75"),
    ("88", "Vosges", "44"),
    ("89", "Yonne", "27"),
    ("90", "Territoire de Belfort", "27"),
    ("91", "Essonne", "11"),
    ("92", "Hauts-de-Seine", "11"),
    ("93", "Seine-Saint-Denis", "11"),
    ("94", "Val-de-Marne", "11"),
    ("95", "Val-d'Oise", "11"),
    ("971", "Guadeloupe", "01"),
    ("972", "Martinique", "02"),
    ("973", "Guyane", "03"),
    ("974", "La Réunion", "04"),
    ("976", "Mayotte", "06"),
]

DEPARTMENTS: dict[str, Department] = {
    code: Department(code, name, region) for code, name, region in _DEPARTMENTS
}

REGION_CHOICES = sorted(((r.code, r.name) for r in REGIONS.values()), key=lambda c: c[1])
DEPARTMENT_CHOICES = [(d.code, d.label) for d in DEPARTMENTS.values()]


def region_name(code: str) -> str:
    region = REGIONS.get(code)
    return region.name if region else ""


def department_name(code: str) -> str:
    department = DEPARTMENTS.get(code)
    return department.name if department else ""


def region_of_department(code: str) -> str:
    """The INSEE code of the department's region, or "" for an unknown department."""
    department = DEPARTMENTS.get(code)
    return department.region_code if department else ""


def departments_of_region(code: str) -> list[Department]:
    return [d for d in DEPARTMENTS.values() if d.region_code == code]


# Where a map puts an event whose address could not be located more precisely: the department's
# prefecture (latitude, longitude, WGS 84), close to the department's centre and always inside it.
# Marked « emplacement approximatif » wherever it is shown (events.sessions).
DEPARTMENT_CENTRES: dict[str, tuple[float, float]] = {
    "01": (46.2052, 5.2255),  # Bourg-en-Bresse
    "02": (49.5641, 3.6199),  # Laon
    "03": (46.5667, 3.3333),  # Moulins
    "04": (44.0925, 6.2356),  # Digne-les-Bains
    "05": (44.5594, 6.0786),  # Gap
    "06": (43.7102, 7.2620),  # Nice
    "07": (44.7352, 4.5992),  # Privas
    "08": (49.7622, 4.7263),  # Charleville-Mézières
    "09": (42.9650, 1.6073),  # Foix
    "10": (48.2973, 4.0744),  # Troyes
    "11": (43.2130, 2.3491),  # Carcassonne
    "12": (44.3506, 2.5750),  # Rodez
    "13": (43.2965, 5.3698),  # Marseille
    "14": (49.1829, -0.3707),  # Caen
    "15": (44.9264, 2.4397),  # Aurillac
    "16": (45.6484, 0.1562),  # Angoulême
    "17": (46.1603, -1.1511),  # La Rochelle
    "18": (47.0810, 2.3988),  # Bourges
    "19": (45.2658, 1.7722),  # Tulle
    "2A": (41.9192, 8.7386),  # Ajaccio
    "2B": (42.6977, 9.4508),  # Bastia
    "21": (47.3220, 5.0415),  # Dijon
    "22": (48.5141, -2.7603),  # Saint-Brieuc
    "23": (46.1710, 1.8713),  # Guéret
    "24": (45.1846, 0.7214),  # Périgueux
    "25": (47.2378, 6.0241),  # Besançon
    "26": (44.9334, 4.8924),  # Valence
    "27": (49.0270, 1.1508),  # Évreux
    "28": (48.4439, 1.4890),  # Chartres
    "29": (47.9960, -4.1020),  # Quimper
    "30": (43.8367, 4.3601),  # Nîmes
    "31": (43.6047, 1.4442),  # Toulouse
    "32": (43.6465, 0.5855),  # Auch
    "33": (44.8378, -0.5792),  # Bordeaux
    "34": (43.6108, 3.8767),  # Montpellier
    "35": (48.1173, -1.6778),  # Rennes
    "36": (46.8103, 1.6913),  # Châteauroux
    "37": (47.3941, 0.6848),  # Tours
    "38": (45.1885, 5.7245),  # Grenoble
    "39": (46.6747, 5.5546),  # Lons-le-Saunier
    "40": (43.8902, -0.4999),  # Mont-de-Marsan
    "41": (47.5861, 1.3359),  # Blois
    "42": (45.4397, 4.3872),  # Saint-Étienne
    "43": (45.0434, 3.8858),  # Le Puy-en-Velay
    "44": (47.2184, -1.5536),  # Nantes
    "45": (47.9030, 1.9093),  # Orléans
    "46": (44.4475, 1.4419),  # Cahors
    "47": (44.2033, 0.6163),  # Agen
    "48": (44.5181, 3.5006),  # Mende
    "49": (47.4784, -0.5632),  # Angers
    "50": (49.1157, -1.0906),  # Saint-Lô
    "51": (48.9566, 4.3631),  # Châlons-en-Champagne
    "52": (48.1113, 5.1392),  # Chaumont
    "53": (48.0707, -0.7734),  # Laval
    "54": (48.6921, 6.1844),  # Nancy
    "55": (48.7727, 5.1603),  # Bar-le-Duc
    "56": (47.6582, -2.7608),  # Vannes
    "57": (49.1193, 6.1757),  # Metz
    "58": (46.9896, 3.1590),  # Nevers
    "59": (50.6292, 3.0573),  # Lille
    "60": (49.4295, 2.0807),  # Beauvais
    "61": (48.4329, 0.0913),  # Alençon
    "62": (50.2910, 2.7775),  # Arras
    "63": (45.7772, 3.0870),  # Clermont-Ferrand
    "64": (43.2951, -0.3708),  # Pau
    "65": (43.2328, 0.0781),  # Tarbes
    "66": (42.6887, 2.8948),  # Perpignan
    "67": (48.5734, 7.7521),  # Strasbourg
    "68": (48.0794, 7.3585),  # Colmar
    "69": (45.7640, 4.8357),  # Lyon
    "70": (47.6223, 6.1550),  # Vesoul
    "71": (46.3069, 4.8287),  # Mâcon
    "72": (48.0061, 0.1996),  # Le Mans
    "73": (45.5646, 5.9178),  # Chambéry
    "74": (45.8992, 6.1294),  # Annecy
    "75": (48.8566, 2.3522),  # Paris
    "76": (49.4432, 1.0999),  # Rouen
    "77": (48.5396, 2.6526),  # Melun
    "78": (48.8049, 2.1204),  # Versailles
    "79": (46.3237, -0.4588),  # Niort
    "80": (49.8941, 2.2958),  # Amiens
    "81": (43.9289, 2.1464),  # Albi
    "82": (44.0176, 1.3550),  # Montauban
    "83": (43.1242, 5.9280),  # Toulon
    "84": (43.9493, 4.8055),  # Avignon
    "85": (46.6705, -1.4260),  # La Roche-sur-Yon
    "86": (46.5802, 0.3404),  # Poitiers
    "87": (45.8336, 1.2611),  # Limoges
    "88": (48.1724, 6.4495),  # Épinal
    "89": (47.7982, 3.5673),  # Auxerre
    "90": (47.6397, 6.8638),  # Belfort
    "91": (48.6290, 2.4417),  # Évry-Courcouronnes
    "92": (48.8924, 2.2069),  # Nanterre
    "93": (48.9101, 2.4399),  # Bobigny
    "94": (48.7904, 2.4556),  # Créteil
    "95": (49.0364, 2.0761),  # Cergy
    "971": (15.9985, -61.7255),  # Basse-Terre
    "972": (14.6161, -61.0588),  # Fort-de-France
    "973": (4.9224, -52.3135),  # Cayenne
    "974": (-20.8823, 55.4504),  # Saint-Denis
    "976": (-12.7806, 45.2279),  # Mamoudzou
}


def department_centre(code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the department's prefecture, or None for an unknown code."""
    return DEPARTMENT_CENTRES.get(code)


def department_of_postal_code(postal_code: str) -> str:
    """The department a French postal code belongs to, or "" (Corsica's 20xxx: 2A or 2B)."""
    code = postal_code.strip()
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("97"):
        return code[:3] if code[:3] in DEPARTMENTS else ""
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2] if code[:2] in DEPARTMENTS else ""

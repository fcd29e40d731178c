"""French vocabulary for the synthetic programme (`demo.organizations`, `demo.planning`).

Plain data: department seats and articles, organisation and lab name patterns, the methods and
public-policy topics that titles are built from. Nothing here touches the database.
"""

# Seat (chef-lieu) of each department, by INSEE code.
DEPARTMENT_SEATS: dict[str, str] = {
    "01": "Bourg-en-Bresse",
    "02": "Laon",
    "03": "Moulins",
    "04": "Digne-les-Bains",
    "05": "Gap",
    "06": "Nice",
    "07": "Privas",
    "08": "Charleville-Mézières",
    "09": "Foix",
    "10": "Troyes",
    "11": "Carcassonne",
    "12": "Rodez",
    "13": "Marseille",
    "14": "Caen",
    "15": "Aurillac",
    "16": "Angoulême",
    "17": "La Rochelle",
    "18": "Bourges",
    "19": "Tulle",
    "2A": "Ajaccio",
    "2B": "Bastia",
    "21": "Dijon",
    "22": "Saint-Brieuc",
    "23": "Guéret",
    "24": "Périgueux",
    "25": "Besançon",
    "26": "Valence",
    "27": "Évreux",
    "28": "Chartres",
    "29": "Quimper",
    "30": "Nîmes",
    "31": "Toulouse",
    "32": "Auch",
    "33": "Bordeaux",
    "34": "Montpellier",
    "35": "Rennes",
    "36": "Châteauroux",
    "37": "Tours",
    "38": "Grenoble",
    "39": "Lons-le-Saunier",
    "40": "Mont-de-Marsan",
    "41": "Blois",
    "42": "Saint-Étienne",
    "43": "Le Puy-en-Velay",
    "44": "Nantes",
    "45": "Orléans",
    "46": "Cahors",
    "47": "Agen",
    "48": "Mende",
    "49": "Angers",
    "50": "Saint-Lô",
    "51": "Châlons-en-Champagne",
    "52": "Chaumont",
    "53": "Laval",
    "54": "Nancy",
    "55": "Bar-le-Duc",
    "56": "Vannes",
    "57": "Metz",
    "58": "Nevers",
    "59": "Lille",
    "60": "Beauvais",
    "61": "Alençon",
    "62": "Arras",
    "63": "Clermont-Ferrand",
    "64": "Pau",
    "65": "Tarbes",
    "66": "Perpignan",
    "67": "Strasbourg",
    "68": "Colmar",
    "69": "Lyon",
    "70": "Vesoul",
    "71": "Mâcon",
    "72": "Le Mans",
    "73": "Chambéry",
    "74": "Annecy",
    "75": "Paris",
    "76": "Rouen",
    "77": "Melun",
    "78": "Versailles",
    "79": "Niort",
    "80": "Amiens",
    "81": "Albi",
    "82": "Montauban",
    "83": "Toulon",
    "84": "Avignon",
    "85": "La Roche-sur-Yon",
    "86": "Poitiers",
    "87": "Limoges",
    "88": "Épinal",
    "89": "Auxerre",
    "90": "Belfort",
    "91": "Évry-Courcouronnes",
    "92": "Nanterre",
    "93": "Bobigny",
    "94": "Créteil",
    "95": "Cergy",
    "971": "Basse-Terre",
    "972": "Fort-de-France",
    "973": "Cayenne",
    "974": "Saint-Denis",
    "976": "Mamoudzou",
}

# Department whose seat is the seat of the region.
REGION_SEAT_DEPARTMENTS: dict[str, str] = {
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
    "11": "75",
    "24": "45",
    "27": "21",
    "28": "76",
    "32": "59",
    "44": "67",
    "52": "44",
    "53": "35",
    "75": "33",
    "76": "31",
    "84": "69",
    "93": "13",
    "94": "2A",
}

# Rough population weights (millions), so that the programme looks like France.
REGION_WEIGHTS: dict[str, float] = {
    "11": 12.3,
    "84": 8.1,
    "75": 6.0,
    "76": 6.0,
    "32": 6.0,
    "44": 5.5,
    "93": 5.1,
    "52": 3.8,
    "28": 3.3,
    "53": 3.4,
    "27": 2.8,
    "24": 2.6,
    "94": 0.35,
    "01": 0.38,
    "02": 0.36,
    "03": 0.29,
    "04": 0.87,
    "06": 0.28,
}

# How "of <department>" is written: "de l'Ain", "des Landes", "du Nord", "de la Gironde"…
_ARTICLE_L = {
    "01",
    "02",
    "03",
    "07",
    "09",
    "10",
    "11",
    "12",
    "27",
    "34",
    "36",
    "38",
    "60",
    "61",
    "89",
    "91",
}
_ARTICLE_DES = {"04", "05", "06", "08", "13", "22", "40", "64", "65", "66", "78", "79", "88", "92"}
_ARTICLE_DU = {
    "14",
    "15",
    "18",
    "25",
    "29",
    "30",
    "32",
    "39",
    "45",
    "46",
    "56",
    "59",
    "62",
    "63",
    "67",
    "68",
    "69",
    "81",
    "83",
    "90",
    "94",
    "95",
}
_NO_ARTICLE = {"28", "35", "37", "41", "47", "49", "54", "71", "75", "77", "82", "84", "974", "976"}


def of_department(code: str, name: str) -> str:
    """'de l'Ain', 'des Landes', 'du Nord', "d'Eure-et-Loir", 'de la Gironde'."""
    if code in _ARTICLE_L:
        return f"de l'{name}"
    if code in _ARTICLE_DES:
        return f"des {name}"
    if code in _ARTICLE_DU:
        return f"du {name}"
    if code in _NO_ARTICLE:
        return f"d'{name}" if name[0] in "AEIOUYÉÈÎ" else f"de {name}"
    return f"de la {name}"


def to_city(city: str) -> str:
    """'à Rennes', 'au Mans', 'à La Rochelle'."""
    if city.startswith("Le "):
        return f"au {city[3:]}"
    return f"à {city}"


def of_city(city: str) -> str:
    """'de Rennes', 'du Mans', "d'Angers"."""
    if city.startswith("Le "):
        return f"du {city[3:]}"
    if city[0] in "AEIOUYÉÈÎ":
        return f"d'{city}"
    return f"de {city}"


def of(phrase: str) -> str:
    """'de' before a noun phrase with its article: 'du budget', 'des agents', "de l'accueil"."""
    if phrase.startswith("le "):
        return f"du {phrase[3:]}"
    if phrase.startswith("les "):
        return f"des {phrase[4:]}"
    return f"de {phrase}"


def to(phrase: str) -> str:
    """'à' before a noun phrase: 'au design', 'aux sciences', "à l'intelligence"."""
    if phrase.startswith("le "):
        return f"au {phrase[3:]}"
    if phrase.startswith("les "):
        return f"aux {phrase[4:]}"
    return f"à {phrase}"


# Regional councils that are not called "Région X".
REGIONAL_COUNCILS: dict[str, str] = {
    "02": "Collectivité territoriale de Martinique",
    "03": "Collectivité territoriale de Guyane",
    "04": "Région Réunion",
    "06": "Département de Mayotte",
    "94": "Collectivité de Corse",
}
# Departments without a departmental council of their own.
NO_DEPARTMENTAL_COUNCIL = {"2A", "2B", "75", "972", "973", "976"}

# Central administrations (generated organisations are in Paris).
CENTRAL_ADMINISTRATIONS: list[str] = [
    "Direction interministérielle du numérique (DINUM)",
    "Direction générale des finances publiques (DGFiP)",
    "Direction générale des collectivités locales (DGCL)",
    "Direction générale de la cohésion sociale (DGCS)",
    "Direction de l'immobilier de l'État (DIE)",
    "Direction des achats de l'État (DAE)",
    "Secrétariat général du ministère de l'Intérieur",
    "Secrétariat général des ministères sociaux",
    "Secrétariat général du ministère de la Transition écologique",
    "Secrétariat général du ministère de l'Agriculture et de la Souveraineté alimentaire",
    "Direction générale de l'enseignement scolaire (DGESCO)",
    "Direction générale des entreprises (DGE)",
    "Direction générale de la santé (DGS)",
    "Secrétariat général du ministère de la Culture",
]

NATIONAL_ASSOCIATIONS: list[str] = [
    "Collectif des innovateurs publics",
    "Réseau des facilitateurs du service public",
    "Association Designers d'intérêt général",
    "Réseau Territoires et participation",
    "Association pour un langage administratif clair",
    "Coopérative des tiers-lieux de service public",
]

MINISTRIES: list[tuple[str, str]] = [
    ("Lab Agri", "Ministère de l'Agriculture et de la Souveraineté alimentaire"),
    ("Lab des Armées", "Ministère des Armées"),
    ("Lab Éducation", "Ministère de l'Éducation nationale"),
    ("Lab Justice", "Ministère de la Justice"),
    ("Lab Intérieur", "Ministère de l'Intérieur"),
    ("Lab Culture", "Ministère de la Culture"),
    ("Lab Solidarités", "Ministère des Solidarités"),
    ("Lab Écologie", "Ministère de la Transition écologique"),
]

LAB_METHODS = [
    "design de services",
    "intelligence collective",
    "sciences comportementales",
    "participation citoyenne",
    "prototypage",
    "facilitation",
    "données",
    "FALC",
]

# Methods a title can put forward, with the slug of the matching theme.
METHODS: list[tuple[str, str]] = [
    ("le design de services", "design-de-services"),
    ("l'intelligence collective", "intelligence-collective"),
    ("les sciences comportementales", "sciences-comportementales"),
    ("la participation citoyenne", "participation-citoyenne"),
    ("l'efficacité opérationnelle", "efficacite-operationnelle"),
    ("la donnée", "donnees"),
    ("l'intelligence artificielle", "intelligence-artificielle"),
    ("le FALC", "falc-langage-clair"),
    ("le langage clair", "falc-langage-clair"),
    ("le prototypage rapide", "design-de-services"),
    ("la facilitation graphique", "intelligence-collective"),
    ("le design fiction", "design-de-services"),
    ("l'innovation ouverte", "innovation-ouverte"),
    ("la co-production", "co-production"),
    ("le lean management", "efficacite-operationnelle"),
    ("les tests utilisateurs", "experience-usager"),
    ("l'approche par les usages", "experience-usager"),
    ("le mentorat inversé", "management-rh"),
    ("les outils numériques libres", "numerique"),
    ("la sobriété numérique", "transition-ecologique"),
]

# Public-policy topics, with the slug of a theme they belong to ("" when none fits).
TOPICS: list[tuple[str, str]] = [
    ("l'accueil des usagers", "experience-usager"),
    ("la simplification des démarches administratives", "experience-usager"),
    ("l'inclusion numérique", "numerique"),
    ("la transition écologique des services publics", "transition-ecologique"),
    ("la sobriété énergétique des bâtiments publics", "transition-ecologique"),
    ("l'accès aux droits", "experience-usager"),
    ("la lutte contre le non-recours", "experience-usager"),
    ("l'emploi des jeunes", ""),
    ("l'insertion professionnelle", ""),
    ("la qualité de vie au travail", "experience-agent"),
    ("le recrutement des agents publics", "management-rh"),
    ("l'intégration des nouveaux agents", "experience-agent"),
    ("la relation aux usagers", "experience-usager"),
    ("les démarches en ligne", "numerique"),
    ("la mobilité durable", "transition-ecologique"),
    ("la santé mentale des agents", "experience-agent"),
    ("l'accompagnement des personnes âgées", ""),
    ("la protection de l'enfance", ""),
    ("la sécurité routière", ""),
    ("l'égalité entre les femmes et les hommes", "egalite-inclusion"),
    ("l'accessibilité des services publics", "egalite-inclusion"),
    ("la participation des habitants", "participation-citoyenne"),
    ("le budget participatif", "participation-citoyenne"),
    ("la revitalisation des centres-villes", ""),
    ("l'alimentation dans la restauration collective", "transition-ecologique"),
    ("la gestion de l'eau", "transition-ecologique"),
    ("la prévention des risques naturels", ""),
    ("la commande publique", "efficacite-operationnelle"),
    ("l'ouverture des données publiques", "donnees"),
    ("la cybersécurité des collectivités", "numerique"),
    ("le management des équipes", "management-rh"),
    ("le télétravail", "management-rh"),
    ("la formation des agents", "management-rh"),
    ("les services publics en milieu rural", ""),
    ("la réussite scolaire", ""),
    ("l'accompagnement des entreprises", ""),
    ("l'accès aux soins", ""),
    ("les espaces France services", "experience-usager"),
    ("l'hébergement d'urgence", ""),
    ("la lutte contre la précarité", ""),
    ("le traitement des courriers administratifs", "efficacite-operationnelle"),
    ("l'évaluation des politiques publiques", "donnees"),
]

VERBS = [
    "repenser",
    "transformer",
    "améliorer",
    "réinventer",
    "co-construire",
    "moderniser",
    "faire évoluer",
]
PARTNERS = [
    "les usagers",
    "les agents",
    "les élus",
    "les habitants",
    "les associations",
    "les entreprises du territoire",
    "les jeunes",
]
CATCHPHRASES = [
    "Innover autrement",
    "Le service public de demain",
    "Tous innovateurs",
    "Faire simple",
    "Oser expérimenter",
    "Du prototype au déploiement",
    "L'usager au centre",
    "Innover avec les agents",
    "Partir de ce qui marche",
    "Faire ensemble",
    "Les labs ouvrent leurs portes",
    "L'innovation au quotidien",
]

# Title word and indefinite noun phrase for each reference format slug.
FORMAT_WORDS: dict[str, tuple[str, str]] = {
    "conference": ("Conférence", "Une conférence"),
    "webinaire": ("Webinaire", "Un webinaire"),
    "atelier": ("Atelier", "Un atelier"),
    "table-ronde": ("Table ronde", "Une table ronde"),
    "session-creative": ("Sprint créatif", "Un sprint créatif"),
    "concours": ("Concours", "Un concours"),
    "demonstration": ("Démonstration", "Une démonstration"),
    "exposition": ("Exposition", "Une exposition"),
    "visite": ("Visite", "Une visite"),
    "portes-ouvertes": ("Portes ouvertes", "Des portes ouvertes"),
    "formation": ("Formation", "Une formation"),
    "simplificathon": ("Simplificathon", "Un simplificathon"),
    "debat-citoyen": ("Débat citoyen", "Un débat citoyen"),
}

# Relative frequency of each format by attendance mode (formats DITP adds later weigh 1).
FORMAT_WEIGHTS: dict[str, dict[str, int]] = {
    "in_person": {
        "conference": 14,
        "webinaire": 0,
        "atelier": 24,
        "table-ronde": 8,
        "session-creative": 7,
        "concours": 2,
        "demonstration": 6,
        "exposition": 3,
        "visite": 4,
        "portes-ouvertes": 5,
        "formation": 9,
        "simplificathon": 3,
        "debat-citoyen": 4,
    },
    "online": {
        "conference": 10,
        "webinaire": 45,
        "atelier": 8,
        "table-ronde": 7,
        "session-creative": 3,
        "concours": 1,
        "demonstration": 8,
        "exposition": 0,
        "visite": 0,
        "portes-ouvertes": 0,
        "formation": 12,
        "simplificathon": 1,
        "debat-citoyen": 2,
    },
    "hybrid": {
        "conference": 25,
        "webinaire": 10,
        "atelier": 10,
        "table-ronde": 15,
        "session-creative": 3,
        "concours": 2,
        "demonstration": 8,
        "exposition": 1,
        "visite": 0,
        "portes-ouvertes": 2,
        "formation": 10,
        "simplificathon": 2,
        "debat-citoyen": 5,
    },
}

DESCRIPTION_OPENINGS = [
    "Agents, managers et partenaires partagent leurs retours d'expérience et les outils "
    "qu'ils ont testés sur le terrain.",
    "La séance alterne apports, travail en petits groupes et restitution collective.",
    "Des équipes qui ont mené le projet présentent leur démarche, leurs réussites et leurs "
    "difficultés.",
    "Les participants repartent avec des outils concrets, directement utilisables dans leur "
    "service.",
    "Une occasion de rencontrer d'autres innovateurs publics et de construire des coopérations.",
    "Usagers, agents et élus travaillent ensemble à partir de situations réelles.",
]
DESCRIPTION_CLOSINGS = [
    "Aucun prérequis n'est nécessaire : venez avec vos questions et vos projets.",
    "Les supports seront partagés avec les participants après l'événement.",
    "Le nombre de places est limité pour favoriser les échanges.",
    "Une synthèse des travaux sera publiée à l'issue de l'événement.",
    "Ouvert aux agents de toutes les fonctions publiques.",
]

VENUES = [
    "Salle du conseil",
    "Maison de l'innovation publique",
    "Hôtel de région",
    "Salle polyvalente",
    "Médiathèque municipale",
    "Tiers-lieu numérique",
    "Amphithéâtre de la préfecture",
    "Espace France services",
    "Centre de congrès",
    "Maison des associations",
    "Salle des commissions",
    "Campus des métiers",
]
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "place de la Mairie",
    "boulevard Victor-Hugo",
    "rue Pasteur",
    "place du Général-de-Gaulle",
    "rue Nationale",
    "avenue de la Libération",
    "rue Gambetta",
    "quai des Arts",
    "allée des Tilleuls",
    "rue du Palais",
]

FIRST_NAMES = [
    "Camille",
    "Dominique",
    "Claude",
    "Alix",
    "Sacha",
    "Morgane",
    "Yannick",
    "Maëlle",
    "Karim",
    "Inès",
    "Thomas",
    "Léa",
    "Hugo",
    "Fatou",
    "Nicolas",
    "Chloé",
    "Mathieu",
    "Sophie",
    "Julien",
    "Amina",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Moreau",
    "Lefèvre",
    "Garcia",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Mercier",
    "Lambert",
    "Faure",
    "Rousseau",
    "Nguyen",
    "Diallo",
    "Le Gall",
    "Morel",
    "Henry",
    "Perrin",
]

CHANGES_REQUESTED_MESSAGES = [
    "Merci de préciser le public visé et les modalités d'inscription.",
    "Pouvez-vous compléter la description avec le déroulé de l'événement ?",
    "L'adresse du lieu est incomplète : merci de la préciser.",
    "Merci d'indiquer les horaires des séances.",
]
REJECTED_MESSAGES = [
    "L'événement est payant : il ne remplit pas les conditions du Mois de l'innovation publique.",
    "L'événement n'est pas ouvert au-delà de l'équipe organisatrice.",
    "Cet événement est un doublon d'un événement déjà référencé.",
]
CANCELLED_MESSAGES = [
    "Événement annulé : l'intervenant principal n'est plus disponible.",
    "Événement annulé faute d'un nombre suffisant d'inscrits.",
    "Événement annulé en raison d'un mouvement social.",
]
DEROGATION_JUSTIFICATIONS = [
    "L'intervenante principale n'est disponible que cette semaine-là.",
    "L'événement s'inscrit dans un cycle qui déborde du mois de novembre.",
    "La salle n'est pas disponible pendant le Mois de l'innovation publique.",
    "La date est alignée sur un temps fort régional déjà programmé.",
]

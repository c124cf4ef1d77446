"""Small built-in name lists for synthetic agency extracts, and the nickname table.

The lists are written for this package (common given and family names heard in English cities,
grouped loosely by the five ONS ethnic groups the synthetic population uses); they are not a
sample of any real register. The nickname table maps a familiar form to its full given name; the
linkage step uses it to standardise given names before comparing them, and the generator uses it
to write nicknames into extracts.
"""

from __future__ import annotations

# fmt: off
#: Given names by group and sex ("F"/"M").
GIVEN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "White": {
        "F": (
            "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily",
            "Ella", "Jessica", "Charlotte", "Elizabeth", "Katherine", "Rebecca",
            "Victoria", "Hannah", "Lucy", "Chloe", "Megan", "Holly", "Abigail",
            "Eleanor", "Freya", "Poppy", "Evie", "Phoebe", "Millie", "Ruby", "Daisy",
            "Harriet", "Samantha", "Bethany", "Laura", "Natalie", "Georgia", "Imogen",
            "Alice", "Matilda", "Rosie", "Scarlett",
        ),
        "M": (
            "Oliver", "George", "Harry", "Jack", "Jacob", "Charlie", "Thomas",
            "William", "James", "Joshua", "Daniel", "Samuel", "Joseph", "Benjamin",
            "Alexander", "Matthew", "Christopher", "Michael", "Robert", "Nicholas",
            "Jonathan", "Edward", "Henry", "Lewis", "Ryan", "Callum", "Connor",
            "Kieran", "Liam", "Nathan", "Reece", "Bradley", "Jordan", "Luke", "Owen",
            "Ethan", "Dylan", "Mason", "Tyler", "Alfie",
        ),
    },
    "Asian": {
        "F": (
            "Aisha", "Fatima", "Zara", "Amira", "Maryam", "Hafsa", "Ayesha", "Sana",
            "Iqra", "Noor", "Priya", "Anjali", "Simran", "Harpreet", "Jaspreet",
            "Nadia", "Sadia", "Rukhsana", "Shabana", "Tasnim", "Farah", "Khadija",
            "Zainab", "Safiya", "Mehreen", "Rabia", "Kiran", "Pooja", "Deepa", "Nisha",
        ),
        "M": (
            "Mohammed", "Muhammad", "Ali", "Ibrahim", "Yusuf", "Hamza", "Omar", "Bilal",
            "Imran", "Zain", "Ayaan", "Rayyan", "Abdullah", "Hassan", "Usman", "Adnan",
            "Arjun", "Rohan", "Vikram", "Harjit", "Gurpreet", "Sanjay", "Rahul", "Amir",
            "Faisal", "Tariq", "Kamran", "Shahid", "Irfan", "Asif",
        ),
    },
    "Black": {
        "F": (
            "Abena", "Ama", "Adaeze", "Chiamaka", "Ngozi", "Folake", "Funmilayo",
            "Oluwaseun", "Temitope", "Precious", "Blessing", "Favour", "Esther",
            "Comfort", "Grace", "Shanice", "Tanisha", "Keisha", "Jade", "Aaliyah",
            "Nia", "Imani", "Amara", "Zuri", "Efua", "Yetunde", "Adwoa", "Chidinma",
            "Ifeoma", "Nneka",
        ),
        "M": (
            "Kwame", "Kofi", "Kwabena", "Chidi", "Chukwuemeka", "Emeka",
            "Oluwadamilare", "Olumide", "Tunde", "Adebayo", "Babajide", "Segun", "Femi",
            "Daniel", "Samuel", "Joshua", "David", "Emmanuel", "Tyrone", "Jerome",
            "Marcus", "Andre", "Dwayne", "Kareem", "Malik", "Jamal", "Tobi", "Ikenna",
            "Obinna", "Yaw",
        ),
    },
    "Mixed": {
        "F": (
            "Maya", "Leah", "Jasmine", "Tia", "Kayla", "Sienna", "Layla", "Nadia",
            "Amelia", "Olivia", "Jade", "Keira", "Aaliyah", "Bella", "Talia",
        ),
        "M": (
            "Jayden", "Tyler", "Kai", "Jordan", "Isaac", "Elijah", "Reuben", "Zachary",
            "Leon", "Marcus", "Noah", "Louis", "Caleb", "Nathaniel", "Jacob",
        ),
    },
    "Other": {
        "F": (
            "Maria", "Ana", "Elena", "Sofia", "Yasmin", "Leila", "Mariam", "Shirin",
            "Mei", "Lin", "Agnieszka", "Natalia", "Ioana", "Alina", "Daria",
        ),
        "M": (
            "Ahmad", "Mustafa", "Reza", "Dariusz", "Jakub", "Andrei", "Mihai", "Luca",
            "Mateo", "Wei", "Jun", "Tomasz", "Ivan", "Nikolai", "Karim",
        ),
    },
}

#: Family names by group.
FAMILY_NAMES: dict[str, tuple[str, ...]] = {
    "White": (
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
        "Hall", "Wood", "Jackson", "Clarke", "Hughes", "Edwards", "Harris", "Lewis",
        "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee",
        "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips",
        "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell",
        "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw",
        "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson",
        "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell",
        "Webb", "Rogers", "Gray", "Mason", "Hunt", "Palmer", "Holmes", "Mills", "Barnes",
        "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins",
        "Dixon", "Fletcher", "Fox", "Howard", "Pearson", "Lawrence", "Booth", "Atkinson",
        "Gibson", "Hudson",
    ),
    "Asian": (
        "Khan", "Ahmed", "Ali", "Hussain", "Begum", "Patel", "Singh", "Akhtar", "Mahmood",
        "Iqbal", "Rahman", "Islam", "Uddin", "Miah", "Shah", "Aslam", "Bibi", "Hussein",
        "Kaur", "Sharma", "Gill", "Sandhu", "Mistry", "Parmar", "Chauhan", "Siddiqui",
        "Qureshi", "Malik", "Chaudhry", "Butt", "Rashid", "Javed", "Anwar", "Sheikh",
        "Choudhury", "Bashir", "Nawaz", "Kumar", "Shah", "Desai",
    ),
    "Black": (
        "Okafor", "Okoro", "Adeyemi", "Adebayo", "Mensah", "Owusu", "Boateng", "Asante",
        "Osei", "Appiah", "Oyelaran", "Ogunleye", "Nwosu", "Eze", "Obi", "Afolabi",
        "Oladipo", "Babatunde", "Campbell", "Brown", "Williams", "Johnson", "Thomas",
        "Francis", "Henry", "Grant", "Reid", "Richards", "Samuels", "Bailey", "Clarke",
        "Lewis", "Edwards", "Gordon", "Mohamed", "Abdi", "Ahmed", "Hassan", "Yusuf",
        "Diallo",
    ),
    "Mixed": (
        "Smith", "Jones", "Brown", "Williams", "Taylor", "Campbell", "Clarke", "Johnson",
        "Thomas", "Robinson", "Walker", "Green", "Lewis", "Harris", "Khan", "Ali", "Mensah",
        "Okafor", "Reid", "Grant", "Edwards", "Wright", "Hall", "Evans", "Scott",
    ),
    "Other": (
        "Kowalski", "Nowak", "Wisniewski", "Popescu", "Ionescu", "Rossi", "Garcia",
        "Rodriguez", "Silva", "Santos", "Chen", "Wang", "Li", "Zhang", "Nguyen", "Tran",
        "Ahmadi", "Hosseini", "Rezaei", "Ivanov", "Petrov", "Yilmaz", "Kaya", "Demir",
        "Haddad",
    ),
}

#: Familiar form -> full given name (lower case). Used both ways: to write and to standardise.
NICKNAMES: dict[str, str] = {
    "tom": "thomas", "tommy": "thomas", "will": "william", "bill": "william", "billy":
    "william", "jim": "james", "jamie": "james", "josh": "joshua", "dan": "daniel", "danny":
    "daniel", "sam": "samuel", "sammy": "samuel", "joe": "joseph", "ben": "benjamin", "benji":
    "benjamin", "alex": "alexander", "matt": "matthew", "chris": "christopher", "mike":
    "michael", "mikey": "michael", "rob": "robert", "bob": "robert", "nick": "nicholas", "jon":
    "jonathan", "ed": "edward", "eddie": "edward", "harry": "henry", "ollie": "oliver", "liz":
    "elizabeth", "beth": "elizabeth", "lizzie": "elizabeth", "kate": "katherine", "katie":
    "katherine", "jess": "jessica", "becky": "rebecca", "vicky": "victoria", "sammie":
    "samantha", "millie": "amelia", "abby": "abigail", "ellie": "eleanor", "lottie":
    "charlotte", "liv": "olivia", "georgie": "georgia", "immy": "imogen", "mo": "mohammed",
    "mohamed": "mohammed", "muhammed": "muhammad", "abdul": "abdullah", "ibby": "ibrahim",
    "seun": "oluwaseun", "dami": "oluwadamilare", "emeka": "chukwuemeka", "chi": "chiamaka",
    "tope": "temitope", "funmi": "funmilayo", "femi": "olufemi", "manny": "emmanuel", "dave":
    "david", "zach": "zachary", "nate": "nathaniel", "izzy": "isaac", "kuba": "jakub", "nat":
    "natalie",
}
# fmt: on


def familiar_forms() -> dict[str, list[str]]:
    """Full given name (lower case) -> its familiar forms, from :data:`NICKNAMES`."""
    forms: dict[str, list[str]] = {}
    for short, full in NICKNAMES.items():
        forms.setdefault(full, []).append(short)
    return forms

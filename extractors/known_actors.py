"""A small actor dictionary: the officials world news names by surname alone.

Event coders (CAMEO, PLOVER's Phoenix pipeline) keep actor dictionaries so
that "Zakharova said" codes as Russia's foreign ministry spokeswoman without
the article introducing her. This one holds heads of state and government,
foreign ministers and foreign-ministry spokespeople of the states most often
in international news, 2022-2024. Names an article or the seed introduces win
over these; users add or correct entries in the warehouse's ``actor_aliases``.
Each entry: full name, the state they act for, and their role.
"""

from __future__ import annotations

KNOWN_ACTORS: tuple[tuple[str, str, str], ...] = (
    ("Xi Jinping", "China", "president"),
    ("Li Qiang", "China", "premier"),
    ("Wang Yi", "China", "foreign minister"),
    ("Qin Gang", "China", "foreign minister"),
    ("Wang Wenbin", "China", "foreign ministry spokesperson"),
    ("Mao Ning", "China", "foreign ministry spokesperson"),
    ("Li Hui", "China", "special envoy"),
    ("Volodymyr Zelensky", "Ukraine", "president"),
    ("Dmytro Kuleba", "Ukraine", "foreign minister"),
    ("Denys Shmyhal", "Ukraine", "prime minister"),
    ("Andriy Yermak", "Ukraine", "head of the presidential office"),
    ("Vladimir Putin", "Russia", "president"),
    ("Sergei Lavrov", "Russia", "foreign minister"),
    ("Maria Zakharova", "Russia", "foreign ministry spokeswoman"),
    ("Dmitry Peskov", "Russia", "Kremlin spokesman"),
    ("Mikhail Mishustin", "Russia", "prime minister"),
    ("Joe Biden", "United States", "president"),
    ("Antony Blinken", "United States", "secretary of state"),
    ("John Kirby", "United States", "National Security Council spokesman"),
    ("Jake Sullivan", "United States", "national security adviser"),
    ("Emmanuel Macron", "France", "president"),
    ("Catherine Colonna", "France", "foreign minister"),
    ("Olaf Scholz", "Germany", "chancellor"),
    ("Annalena Baerbock", "Germany", "foreign minister"),
    ("Rishi Sunak", "United Kingdom", "prime minister"),
    ("James Cleverly", "United Kingdom", "foreign secretary"),
    ("Recep Tayyip Erdogan", "Turkey", "president"),
    ("Narendra Modi", "India", "prime minister"),
    ("Mohammed bin Salman", "Saudi Arabia", "crown prince"),
    ("Ebrahim Raisi", "Iran", "president"),
    ("Ursula von der Leyen", "European Union", "Commission president"),
    ("Josep Borrell", "European Union", "foreign policy chief"),
    ("Jens Stoltenberg", "NATO", "secretary general"),
    ("Antonio Guterres", "United Nations", "secretary general"),
    ("Wang Yi", "China", "top diplomat"),
)

# Ambassadors, spokespeople, aides and ministers whose names the China-Russia-Ukraine diplomacy of 2023
# brings up. Their names (and surnames) resolve to them, with their state; their roles do not: an
# unnamed "Saudi foreign minister" or "Polish foreign minister" is coded as the state, as event coders do.
KNOWN_NAMES: tuple[tuple[str, str, str], ...] = (
    ("Lu Shaye", "China", "ambassador to France"),
    ("Fu Cong", "China", "ambassador to the EU"),
    ("Zhang Jun", "China", "ambassador to the UN"),
    ("Xie Feng", "China", "ambassador to the US"),
    ("Pavlo Riabikin", "Ukraine", "ambassador to China"),
    ("Oleg Nikolenko", "Ukraine", "foreign ministry spokesman"),
    ("Mykhailo Podolyak", "Ukraine", "presidential adviser"),
    ("Oleksii Reznikov", "Ukraine", "defence minister"),
    ("Sergei Shoigu", "Russia", "defence minister"),
    ("Dmitry Medvedev", "Russia", "security council deputy chairman"),
    ("Mikhail Galuzin", "Russia", "deputy foreign minister"),
    ("Vasily Nebenzya", "Russia", "ambassador to the UN"),
    ("Yuri Ushakov", "Russia", "Kremlin aide"),
    ("Matthew Miller", "United States", "State Department spokesman"),
    ("Karine Jean-Pierre", "United States", "White House press secretary"),
    ("Lloyd Austin", "United States", "defense secretary"),
    ("Kamala Harris", "United States", "vice president"),
    ("Linda Thomas-Greenfield", "United States", "ambassador to the UN"),
    ("Anne-Claire Legendre", "France", "foreign ministry spokeswoman"),
    ("Elisabeth Borne", "France", "prime minister"),
    ("Olivier Veran", "France", "government spokesman"),
    ("Steffen Hebestreit", "Germany", "government spokesman"),
    ("Boris Pistorius", "Germany", "defence minister"),
    ("Andrzej Duda", "Poland", "president"),
    ("Mateusz Morawiecki", "Poland", "prime minister"),
    ("Zbigniew Rau", "Poland", "foreign minister"),
    ("Charles Michel", "European Union", "European Council president"),
    ("Peter Stano", "European Union", "foreign affairs spokesman"),
    ("Hossein Amir-Abdollahian", "Iran", "foreign minister"),
    ("Faisal bin Farhan", "Saudi Arabia", "foreign minister"),
    ("Alexander Lukashenko", "Belarus", "president"),
    ("Viktor Orban", "Hungary", "prime minister"),
)

"""Clean, well-edited news text with the traps quote and casing rules must not fall into."""

TRICKY_CLEAN = """\
EU Leaders Agree Deal On Energy Prices After All-Night Talks

BRUSSELS (Reuters) — European Union leaders agreed early on Friday to cap gas prices, ending a dispute \
that had split the bloc since the summer. Ursula von der Leyen, the European Commission president, \
called it “a good day for Europe’s households.”

“We have shown that the EU can act when it matters,” she told reporters. “Nobody said it would be easy.

“But the ‘price corridor’ we agreed is fair, and it will hold,” she added, before leaving for The Hague.

The U.S. ambassador said Washington welcomed the deal. NATO officials, who met in Brussels the same \
week, said the alliance’s priorities were unchanged. COVID-19 rules no longer apply at the venue.

eBay and McDonald’s both reported higher sales in the ’90s-themed campaign, according to a report \
published at 5 p.m. local time. iPhone sales, by contrast, fell 3% (the first drop in two years).

De Gaulle’s biographer, Sean O’Neill, said the general’s legacy “still shapes French diplomacy, for \
better or worse.” He spoke at the Lord of the Rings exhibition in Bosnia and Herzegovina, where \
visitors from the Netherlands and the United Kingdom were queuing.

Shares of Class A stock rose 2.5%, while vitamin A supplements sold out. The film A Quiet Place \
topped the box office in China, Turkey and Chad. Officials in Paris, Rome and Kyiv declined to comment.

“Are you ready?” asked the moderator. “Yes,” replied the minister. The Guardian and \
The New York Times both covered it. The 12″ vinyl edition sold out; the \
rock ’n’ roll band’s tour starts in 2025.
"""

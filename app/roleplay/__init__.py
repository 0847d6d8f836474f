"""Role-play material for trainers: the moment library, anonymised excerpts, scenarios, packs and practice."""

"""Recording loads in the working database, and the policies that keep it a mirror
of the landing (what a run replaces, forgets, and refuses)."""

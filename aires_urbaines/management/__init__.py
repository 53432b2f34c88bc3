"""Terminal helpers shared by this app's management commands."""


class BarreProgression:
    """A plain text progress bar for the long imports, drawn only on a terminal so that logs and pipes stay clean."""

    largeur = 30

    def __init__(self, sortie):
        self.sortie = sortie
        self.dernier = None

    def __call__(self, etape, fait, total):
        pourcentage = fait * 100 // total if total else 100
        if (etape, pourcentage) == self.dernier:
            return
        self.dernier = (etape, pourcentage)
        plein = self.largeur * pourcentage // 100
        barre = "#" * plein + "." * (self.largeur - plein)
        self.sortie.write(f"\r{etape[:40]:<40} [{barre}] {pourcentage:3d} %", ending="")
        self.sortie.flush()

    def terminer(self):
        """Erase the bar so that the report starts on a clean line."""
        if self.dernier is not None:
            self.sortie.write("\r" + " " * (40 + self.largeur + 9) + "\r", ending="")
            self.sortie.flush()
            self.dernier = None

from django.db import models


class Sequence(models.Model):
    """A named counter for readable numbers (case, document, appeal, licence numbers…), advanced
    under a row lock so that committed numbers have no gaps and are never reused."""

    key = models.CharField(max_length=160, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

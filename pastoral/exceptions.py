class PastoralError(Exception):
    """A refusal whose message is safe to show to the user."""


class ImportRejected(PastoralError):
    def __init__(self, message, problems=None):
        super().__init__(message)
        self.problems = problems or []

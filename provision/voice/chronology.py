"""Pupil voice on the chronology, for those who may read it: one query, cut in SQL."""

from django.urls import reverse
from django.utils.text import Truncator

from pastoral.chronology import ChronologyItem, as_datetime, as_window

from .selectors import voices_visible_to


def voice_for_chronology(user, pupil, limit):
    window = as_window(limit)
    voices = voices_visible_to(user).filter(pupil=pupil)
    return [
        ChronologyItem(
            as_datetime(voice.gathered_on),
            "voice",
            "Pupil voice" + (f" for the {', '.join(voice.tags)}" if voice.tags else ""),
            Truncator(voice.said).chars(140),
            reverse("provision:voice_detail", args=[voice.code]),
            "primary",
            tags=tuple(voice.tags),
            key=window.key(voice.pk),
        )
        for voice in window.rows(voices, when="gathered_on", is_date=True, text=("said",), label="Pupil voice")
    ]

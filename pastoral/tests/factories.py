import datetime

import factory
from django.utils import timezone

from pastoral.models import FamilyContact, Membership, Professional, Pupil, School, Trust, User
from pastoral.pupils.upn import make_upn


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    urn = factory.Sequence(lambda n: f"{100000 + n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@school.test")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    trust = factory.LazyAttribute(lambda o: o.school.trust if o.school else TrustFactory())
    role = "teacher"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    upn = factory.Sequence(lambda n: make_upn(820, 4000 + n // 1000, 25, n % 1000))
    legal_first_name = factory.Sequence(lambda n: f"Pupil{n}")
    legal_last_name = factory.Sequence(lambda n: f"Surname{n}")
    date_of_birth = datetime.date(2013, 5, 17)
    gender = "F"
    year_group = 8
    form = "8A"
    admission_date = datetime.date(2024, 9, 4)


class FamilyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyContact

    pupil = factory.SubFactory(PupilFactory)
    name = factory.Sequence(lambda n: f"Parent {n}")
    relationship = "Mother"
    parental_responsibility = True
    priority = 1
    mobile = "07700 900123"


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    pupil = factory.SubFactory(PupilFactory)
    kind = "social_worker"
    name = factory.Sequence(lambda n: f"Worker {n}")
    organisation = "Children's Services"

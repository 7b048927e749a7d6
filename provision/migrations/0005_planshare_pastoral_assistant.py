# The pastoral assistant (deputy DSL) role among the roles a plan can be shared with.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pastoral', '0023_role_permission_changes'),
        ('provision', '0004_outcomes_voice'),
    ]

    operations = [
        migrations.AlterField(
            model_name='planshare',
            name='role',
            field=models.CharField(blank=True, choices=[('headteacher', 'Headteacher'), ('dsl', 'Designated safeguarding lead'), ('deputy_dsl', 'Deputy DSL'), ('pastoral_assistant', 'Pastoral assistant (deputy DSL)'), ('pastoral_lead', 'Pastoral lead'), ('pastoral_staff', 'Pastoral staff'), ('senco', 'SENCo'), ('medical_lead', 'First aider / medical lead'), ('ap_coordinator', 'AP coordinator'), ('teacher', 'Teacher / TA'), ('trust_leader', 'Trust leader'), ('it_admin', 'IT admin'), ('trust_dsl', 'Trust safeguarding lead'), ('ap_provider', 'Alternative provider contact')], max_length=20),
        ),
    ]

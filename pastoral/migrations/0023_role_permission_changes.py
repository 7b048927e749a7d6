# Per-school changes to what each role may do, the pastoral assistant (deputy DSL) role and the permission
# to fit roles.

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pastoral', '0022_audit_actor_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='school',
            name='role_permissions',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AlterModelOptions(
            name='pupil',
            options={'default_permissions': (), 'ordering': ['legal_last_name', 'legal_first_name'], 'permissions': [('view_pupil', 'View pupil records'), ('change_pupil', 'Edit pupil details, needs, contacts and professionals'), ('import_pupils', 'Import pupils from the MIS'), ('view_safeguarding_flags', 'See child-protection and child-in-need flags'), ('view_audit', "Read the school's audit log"), ('manage_staff', 'Manage staff accounts and roles'), ('manage_calendar', "Set the school's academic years and term dates"), ('approve_roles', 'Approve safeguarding roles granted by staff administrators'), ('manage_roles', 'Change what each role may do in the school')]},
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('headteacher', 'Headteacher'), ('dsl', 'Designated safeguarding lead'), ('deputy_dsl', 'Deputy DSL'), ('pastoral_assistant', 'Pastoral assistant (deputy DSL)'), ('pastoral_lead', 'Pastoral lead'), ('pastoral_staff', 'Pastoral staff'), ('senco', 'SENCo'), ('medical_lead', 'First aider / medical lead'), ('ap_coordinator', 'AP coordinator'), ('teacher', 'Teacher / TA'), ('trust_leader', 'Trust leader'), ('it_admin', 'IT admin'), ('trust_dsl', 'Trust safeguarding lead'), ('ap_provider', 'Alternative provider contact')], max_length=30),
        ),
        migrations.CreateModel(
            name='RolePermissionChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('role', models.CharField(choices=[('headteacher', 'Headteacher'), ('dsl', 'Designated safeguarding lead'), ('deputy_dsl', 'Deputy DSL'), ('pastoral_assistant', 'Pastoral assistant (deputy DSL)'), ('pastoral_lead', 'Pastoral lead'), ('pastoral_staff', 'Pastoral staff'), ('senco', 'SENCo'), ('medical_lead', 'First aider / medical lead'), ('ap_coordinator', 'AP coordinator'), ('teacher', 'Teacher / TA'), ('trust_leader', 'Trust leader'), ('it_admin', 'IT admin'), ('trust_dsl', 'Trust safeguarding lead'), ('ap_provider', 'Alternative provider contact')], max_length=30)),
                ('permission', models.CharField(max_length=100)),
                ('granted', models.BooleanField(help_text='True adds the permission to the role; False takes it away')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('declined_at', models.DateTimeField(blank=True, null=True)),
                ('decline_reason', models.CharField(blank=True, max_length=500)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('declined_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='role_permission_changes', to='pastoral.school')),
            ],
            options={
                'ordering': ['requested_at', 'pk'],
                'default_permissions': (),
                'indexes': [models.Index(fields=['school', 'role', 'permission', 'approved_at'], name='role_permission_history')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('approved_at__isnull', True), ('declined_at__isnull', True)), fields=('school', 'role', 'permission'), name='role_permission_one_pending')],
            },
        ),
    ]

"""An ИНН already on the list is refused on the «ИНН» field by the model too, as by the service,
so a recipient added by someone else after the service's check is still named on its field."""

import pytest
from django.core.exceptions import ValidationError

from zachetka.privacy import services
from zachetka.privacy.models import Recipient


def test_an_inn_clash_is_named_on_the_inn_field_by_the_model(employer_org, registrar):
    twin = Recipient(
        name="ООО «Ромашка-2»", kind="legal", inn=employer_org.inn, address="г. Москва", created_by=registrar
    )
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert refused.value.message_dict == {"inn": ["Получатель с этим ИНН уже есть в списке."]}


def test_recipients_without_inn_do_not_clash(registrar):
    services.create_recipient(
        by=registrar, name="Иванов Иван Иванович", kind="person", inn="", address="г. Тула"
    )
    services.create_recipient(
        by=registrar, name="Петров Пётр Петрович", kind="person", inn="", address="г. Тула"
    )
    assert Recipient.objects.filter(inn="").count() == 2

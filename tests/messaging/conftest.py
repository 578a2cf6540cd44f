import pytest


@pytest.fixture(autouse=True)
def _messaging_settings(settings):
    settings.KEFU_SMS_BACKEND = "log"
    settings.KEFU_INBOUND_SECRET = "test-inbound-secret"
    settings.KEFU_MESSAGE_DAILY_QUOTA = 10

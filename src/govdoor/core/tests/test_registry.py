import pytest

from govdoor.core.registry import Registry, UnknownPlugin


def test_a_registered_plugin_is_found_by_its_id():
    channels: Registry[type] = Registry("channels")

    @channels.register("email")
    class Email:
        pass

    assert channels.get("email") is Email
    assert channels.ids() == ["email"]
    assert "email" in channels


def test_an_unknown_plugin_id_names_the_registry_and_the_id():
    channels: Registry[type] = Registry("channels")
    with pytest.raises(UnknownPlugin, match="channels: no plugin 'sms'"):
        channels.get("sms")


def test_two_plugins_cannot_share_an_id():
    channels: Registry[object] = Registry("channels")
    channels.register("x")(object())
    with pytest.raises(ValueError, match="already registered"):
        channels.register("x")(object())

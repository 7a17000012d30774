"""A credit platform adapter whose remote system is a mock (the only thing tests mock)."""

from unittest import mock

from tongban.credit.platforms import PushError

remote = mock.Mock(name="city credit platform")


class CityPlatform:
    name = "city"

    def push(self, action: str, payload: dict) -> str:
        answer = remote.submit(action=action, payload=payload)
        if answer.get("ok") is not True:
            raise PushError(answer.get("error", "rejected"))
        return answer["receipt"]

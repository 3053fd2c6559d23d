import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["surveyarea", "survey", "surveyitem", "wave", "response"])
def test_admin_lists_render(client, office_admin, wave, model):
    client.force_login(office_admin)
    assert client.get(f"/admin/surveys/{model}/").status_code == 200
    assert client.get(f"/admin/surveys/wave/{wave.pk}/change/").status_code == 200


def test_admin_refuses_impossible_sampling_parameters(client, office_admin, wave):
    client.force_login(office_admin)
    data = {"code": "bad", "title": "错误参数", "survey": wave.survey_id, "areas": [a.pk for a in wave.areas.all()],
            "opens_on": "2026-07-01", "closes_on": "2026-06-01", "margin_of_error": "0.05", "confidence": "0.95",
            "design_effect": "0.8", "expected_proportion": "0.5", "parameters_source": ""}
    page = client.post("/admin/surveys/wave/add/", data)
    assert page.status_code == 200
    assert "设计效应不应小于1" in page.content.decode() and "结束日期不能早于开始日期" in page.content.decode()


def test_initial_data_is_safe_to_run_twice(db):
    import io

    from .. import initial_data
    from ..models import Survey, SurveyItem

    initial_data.load(io.StringIO())
    initial_data.load(io.StringIO())
    assert Survey.objects.count() == 1 and SurveyItem.objects.count() == 17

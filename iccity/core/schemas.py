"""API schemas every app's router shares. One class per component name: ninja names OpenAPI components by class
name, so two different classes called ``Error`` would document one of the endpoints wrongly."""
from ninja import Field, Schema


class Error(Schema):
    detail: str = Field(..., description="中文错误说明")

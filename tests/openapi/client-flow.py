"""A short flow through the Python clients that openapi-python-client
generated from the three OpenAPI documents (run-schemathesis.sh makes them
into a temp dir on PYTHONPATH as carrete_users, carrete_folders and
carrete_photos): register, log in, create a folder, upload a photo, list it,
delete it and the folder.  Prints one "ok - …" / "not ok - …" line per step
(run-schemathesis.sh numbers them into its TAP); details go to stderr.

    client-flow.py FIXTURES_DIR
"""

import io
import os
import secrets
import sys

from carrete_folders import AuthenticatedClient as FoldersClient
from carrete_folders.api.folders import create_folder, delete_folder
from carrete_folders.models import CreateFolderRequest, Folder
from carrete_photos import AuthenticatedClient as PhotosClient
from carrete_photos.api.photos import delete_photo, list_photos, upload_photo
from carrete_photos.models import Photo, PhotoPage, UploadPhotoFilesBody
from carrete_photos.types import File
from carrete_users import Client as UsersClient
from carrete_users.api.auth import login, register
from carrete_users.models import LoginRequest, RegisterRequest, TokenPair, User


class Failed(Exception):
    pass


def step(what, answer, status, model):
    """The parsed answer of a step that must have `status` and parse as `model`."""
    if answer.status_code != status or (model is not None and not isinstance(answer.parsed, model)):
        print(f"{what}: HTTP {answer.status_code}, {answer.content[:500]!r}", file=sys.stderr)
        print(f"not ok - generated clients: {what} ({status} expected, got {int(answer.status_code)})")
        raise Failed()
    print(f"ok - generated clients: {what}")
    return answer.parsed


def main(fixtures):
    name = "client" + secrets.token_hex(5)
    password = secrets.token_urlsafe(18)
    # Its own client address (see hooks.py, _client_address): schemathesis's
    # failed logins from 127.0.0.1 may have used up that address's budget.
    users = UsersClient(base_url=os.environ["CARRETE_USERS_URL"], raise_on_unexpected_status=False,
                        headers={"X-Forwarded-For": "192.0.2.%d" % secrets.randbelow(256)})

    user = step("register", register.sync_detailed(
        client=users, body=RegisterRequest(username=name, email=name + "@example.org", password=password)), 201, User)
    tokens = step("log in", login.sync_detailed(
        client=users, body=LoginRequest(username=name, password=password)), 200, TokenPair)
    if tokens.user.id != user.id:
        print("not ok - generated clients: the token pair names the registered user")
        raise Failed()
    folders = FoldersClient(base_url=os.environ["CARRETE_FOLDERS_URL"], token=tokens.access_token)
    photos = PhotosClient(base_url=os.environ["CARRETE_PHOTOS_URL"], token=tokens.access_token)

    folder = step("create a folder", create_folder.sync_detailed(
        client=folders, body=CreateFolderRequest(name="Client flow", tags=["Generated"])), 201, Folder)
    with open(os.path.join(fixtures, "forest.png"), "rb") as image:
        data = image.read()
    photo = step("upload a photo into it", upload_photo.sync_detailed(
        client=photos, folder_id=folder.id,
        body=UploadPhotoFilesBody(file=File(payload=io.BytesIO(data), file_name="forest.png", mime_type="image/png"))),
        201, Photo)
    page = step("list the folder's photos", list_photos.sync_detailed(client=photos, folder_id=folder.id), 200, PhotoPage)
    if [item.id for item in page.items] != [photo.id] or page.items[0].size != len(data):
        print(f"not ok - generated clients: the list holds exactly the uploaded photo ({[i.id for i in page.items]})")
        raise Failed()
    print("ok - generated clients: the list holds exactly the uploaded photo")
    step("delete the photo", delete_photo.sync_detailed(photo.id, client=photos), 204, None)
    page = step("list the folder again", list_photos.sync_detailed(client=photos, folder_id=folder.id), 200, PhotoPage)
    if page.items:
        print("not ok - generated clients: the deleted photo is no longer listed")
        raise Failed()
    print("ok - generated clients: the deleted photo is no longer listed")
    step("delete the folder", delete_folder.sync_detailed(folder.id, client=folders), 204, None)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Failed:
        pass
    except Exception as error:  # an import or a client that does not work at all
        print(f"generated clients: {error!r}", file=sys.stderr)
        print(f"not ok - generated clients: the flow ran ({type(error).__name__}: {error})")
